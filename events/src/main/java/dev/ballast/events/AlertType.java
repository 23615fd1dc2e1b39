package dev.ballast.events;

/** What a {@link Alert} reports. */
public enum AlertType {
    /** An agent's violation rate moved away from its own baseline. */
    DRIFT,
    /** Drift with the ATP signature: violating pays more than complying and the rate keeps rising. */
    TIPPING,
    /** Deviance spreading from agent to agent inside a group. */
    DIFFUSION,
    /** The fine-tuning gate quarantining far more than usual. */
    GATE_SURGE
}
