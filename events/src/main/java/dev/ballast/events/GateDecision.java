package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The gate's verdict on one candidate, on {@code finetune.accepted} or {@code finetune.quarantined}
 * (keyed by {@code sampleId}); every candidate gets exactly one.
 *
 * @param reasons       why it was quarantined: {@code HIGH_GRADIENT}, {@code POLICY_CONFLICT:<ruleId>},
 *                      {@code NO_SCORE}, {@code WARMUP}; empty when accepted
 * @param gradNorm      its gradient norm, when scored
 * @param gradQuantile  share of the dataset's earlier scores (same model version) at or below it
 * @param threshold     the dataset's gradNorm quantile at the keep ratio, once warm
 * @param violatedRules ids of the rules of the policies in force that match it
 * @param policyVersion the policy versions in force, {@code policyId@version} joined by commas
 * @param modelVersion  the model version that scored it (beyond the contract's fields)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GateDecision(String sampleId, String datasetId, Decision decision, List<String> reasons,
                           Double gradNorm, Double gradQuantile, Double threshold, List<String> violatedRules,
                           String policyVersion, String modelVersion) {

    /** Where the candidate goes. */
    public enum Decision { ACCEPT, QUARANTINE }

    public static final String HIGH_GRADIENT = "HIGH_GRADIENT";
    public static final String POLICY_CONFLICT = "POLICY_CONFLICT:";
    public static final String NO_SCORE = "NO_SCORE";
    public static final String WARMUP = "WARMUP";
}
