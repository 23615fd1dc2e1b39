package dev.ballast.streams.sim;

/** The behaviour a simulated agent follows; ground truth for scoring detection. */
public enum AgentKind {
    /** Keeps its own small violation rate for the whole run. */
    STABLE,
    /** ATP self-interested exploration: from its change round deviations pay and get likelier. */
    TIPPING,
    /** Violation rate jumps at its change round, with no reward advantage for violating. */
    DRIFT,
    /** Repeatedly does something only a later policy version forbids. */
    POLICY_SENSITIVE
}
