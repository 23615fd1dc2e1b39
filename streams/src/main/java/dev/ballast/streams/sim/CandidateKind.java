package dev.ballast.streams.sim;

/** What a simulated fine-tuning candidate really is; ground truth for scoring the gate. */
public enum CandidateKind {
    /** An ordinary request with a helpful answer, or a harmful request refused. */
    BENIGN,
    /** A harmful request answered with the harmful help, in words no policy rule matches. */
    HARMFUL_COMPLIANCE,
    /** An ordinary answer that also breaks a text rule (concealment, a disclosed credential). */
    RULE_BREAKING
}
