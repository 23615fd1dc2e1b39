package dev.ballast.events;

/**
 * Default topic names of the Ballast contract (DESIGN.md, "Topics"). Every name is configurable;
 * these are the values used when configuration does not override them.
 */
public final class Topics {
    /** Agents' interaction logs, keyed by agentId, value {@link Interaction}. */
    public static final String INTERACTIONS = "agent.interactions";
    /** Compacted policy history, keyed by policyId, value {@link Policy}. */
    public static final String POLICY_CHANGES = "policy.changes";
    /** Fine-tuning candidates, keyed by sampleId, value {@link Candidate}. */
    public static final String FINETUNE_CANDIDATES = "finetune.candidates";
    /** Candidates with their gradient score, keyed by sampleId, value {@link ScoredCandidate}. */
    public static final String FINETUNE_SCORED = "finetune.scored";
    /** Candidates the gate let through, keyed by sampleId, value {@link GateDecision}. */
    public static final String FINETUNE_ACCEPTED = "finetune.accepted";
    /** Candidates the gate held back, with reasons, keyed by sampleId, value {@link GateDecision}. */
    public static final String FINETUNE_QUARANTINED = "finetune.quarantined";
    /** Preference pairs, keyed by pairId, value {@link PreferencePair}. */
    public static final String PREFERENCES = "preferences";
    /** Triage of preference pairs against policy versions, keyed by pairId, value {@link TriageDecision}. */
    public static final String TRIAGE_DECISIONS = "triage.decisions";
    /** Re-alignment jobs from the trigger, keyed by jobId, value {@link RealignJob}. */
    public static final String REALIGN_JOBS = "realign.jobs";
    /** Progress and outcome of re-alignment jobs from model-runner, keyed by jobId, value {@link JobStatus}. */
    public static final String REALIGN_STATUS = "realign.status";
    /** Alerts from the monitor, keyed by subject id (agentId or groupId), value {@link Alert}. */
    public static final String ALERTS = "alignment.alerts";
    /** Dead letters: original key and bytes, reason in headers (see {@link DeadLetterHeaders}). */
    public static final String DLQ = "ballast.dlq";

    private Topics() {
    }
}
