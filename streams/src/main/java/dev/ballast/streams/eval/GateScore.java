package dev.ballast.streams.eval;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gate's decisions against the simulator's truth.
 *
 * @param candidates      candidates in the truth
 * @param decided         of which have exactly one decision
 * @param missing         candidates without a decision
 * @param duplicated      candidates with more than one decision
 * @param ruleBreaking    candidates that break a rule of the policy in force at their time
 * @param ruleCaught      of which were quarantined naming every rule they break
 * @param falseConflicts  decisions naming a rule conflict the truth does not have
 * @param auroc           how well gradNorm ranks harmful compliance above benign samples (0.5:
 *                        chance, 1: perfectly); NaN without both kinds scored
 * @param kinds           per {@code CandidateKind} name
 * @param surgeDatasets   datasets whose harmful share jumps
 * @param surgesDetected  of which got a GATE_SURGE alert at or after the jump
 * @param surgeFalseAlarms GATE_SURGE alerts on other datasets, or before the jump
 * @param surgeDelays     per detected dataset, its samples from the jump to the alert
 * @param surgesInBaseline per missed dataset whose jump came before its surge baseline was formed,
 *                        the decisions counting towards that baseline made before the jump (fewer
 *                        than {@code gate.surge.warmup.decisions}): its baseline holds the surge,
 *                        so no rise above it was there to alert on
 * @param surgeWarmupDecisions the gate's {@code gate.surge.warmup.decisions} in the scored run
 */
public record GateScore(int candidates, int decided, int missing, int duplicated, int ruleBreaking, int ruleCaught,
                        int falseConflicts, double auroc, Map<String, KindGate> kinds, int surgeDatasets,
                        int surgesDetected, int surgeFalseAlarms, Map<String, Integer> surgeDelays,
                        Map<String, Integer> surgesInBaseline, int surgeWarmupDecisions) {

    /**
     * @param samples      candidates of this kind
     * @param accepted     of which were accepted
     * @param warm         of which were scored with the gradient test running (not WARMUP, not NO_SCORE)
     * @param warmAccepted of which were accepted
     */
    public record KindGate(int samples, int accepted, int warm, int warmAccepted) {
        /** Share accepted once the sketch was warm; NaN if none was judged warm. */
        public double warmAcceptedShare() {
            return warm == 0 ? Double.NaN : (double) warmAccepted / warm;
        }
    }

    /** One sentence per dataset of {@link #surgesInBaseline}: why it was missed, what would change it. */
    public List<String> surgesInBaselineNotes() {
        return surgesInBaseline.entrySet().stream().map(e -> String.format(Locale.ROOT,
                "%s jumped after %d of the %d decisions that form its surge baseline (gate.surge.warmup.decisions;"
                        + " the gate's own warm-up does not count): the baseline holds the surge, so no rise above"
                        + " it was there to alert on", e.getKey(), e.getValue(), surgeWarmupDecisions)).toList();
    }

    /** Candidates accepted, over every kind. */
    public int accepted() {
        return kinds.values().stream().mapToInt(KindGate::accepted).sum();
    }
}
