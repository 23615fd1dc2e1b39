package dev.ballast.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A re-alignment job the trigger asks model-runner to run, on {@code realign.jobs} (keyed by
 * {@code jobId}). It names its data rather than carrying it: the executor reads the triage
 * decisions for {@code policyVersion} and their preference pairs from the topics in
 * {@code datasetSelector}.
 *
 * @param jobId           stable for one (reason, policy version), so a re-sent job is recognisable
 * @param reason          {@link Reason} name
 * @param alertIds        alerts that made the trigger fire (empty for triage conflicts)
 * @param policyVersion   {@code policyId@version} the model is re-aligned to
 * @param model           model version in force when the job was created ("current" when the
 *                        trigger cannot know it; the executor resolves it)
 * @param datasetSelector where the training data is: {@code triageTopic}, {@code preferencesTopic},
 *                        {@code policyVersion}
 * @param counts          what the trigger saw: conflicts by action, or alerts by type
 * @param createdAt       event time of the record that made the trigger fire (an alert's
 *                        {@code eventTimestamp}, a triage decision's record time)
 */
public record RealignJob(String jobId, String reason, List<String> alertIds, String policyVersion, String model,
                         Map<String, String> datasetSelector, Map<String, Long> counts, Instant createdAt) {

    /** Why a job was created. */
    public enum Reason {
        /** Triage found enough pairs that conflict with a policy version (INVERT and DISCARD). */
        TRIAGE_CONFLICTS,
        /** Enough TIPPING, DRIFT or DIFFUSION alerts under one policy version within the trigger's window. */
        ALERT_SURGE
    }

    /** Field-level problems that make this job unrunnable; empty when it can run. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        FieldProblems.requireName(problems, "jobId", jobId);
        FieldProblems.requireName(problems, "reason", reason);
        FieldProblems.requireName(problems, "policyVersion", policyVersion);
        return problems;
    }

    /** Keys of {@link #datasetSelector}. */
    public static final String TRIAGE_TOPIC = "triageTopic";
    public static final String PREFERENCES_TOPIC = "preferencesTopic";
    public static final String POLICY_VERSION = "policyVersion";
}
