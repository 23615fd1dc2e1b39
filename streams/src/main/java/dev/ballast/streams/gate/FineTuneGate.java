package dev.ballast.streams.gate;

import dev.ballast.events.Candidate;
import dev.ballast.events.GateDecision;
import dev.ballast.events.ScoredCandidate;
import dev.ballast.streams.policy.PolicyEngine;
import dev.ballast.streams.policy.CompiledPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The gate's decision for one candidate, free of Kafka. Fails closed: a candidate is accepted only
 * when it has a usable score, its dataset's sketch (for the scoring model version) is warm, its
 * gradNorm is at or below the sketch's {@code keepRatio} quantile and {@code maxMedianRatio} times
 * its median (to {@link #AT_THRESHOLD}), and no rule of the policies in force matches its prompt or
 * response. Otherwise it is quarantined with every reason that holds.
 *
 * <p>The score is judged against the scores seen <em>before</em> it, then added to the sketch, so
 * a burst of high-gradient samples raises the threshold only for later ones. Candidates that
 * break a rule are not added: they are known bad, and the threshold should describe the samples
 * that could be accepted, not let rule breakers push it up.
 */
public final class FineTuneGate {
    /**
     * Within this share of the threshold a score counts as at it, so accepted. Identical texts
     * score identically and enter the sketch spread over {@link ScoreSketch#TIE_SPREAD}, so when
     * the keep quantile falls among copies of one text the threshold lands inside that spread:
     * compared strictly, about half the later copies were quarantined, by where the spread put
     * the threshold, though each is exactly at the quantile. The margin also covers float32 sums
     * that come out different in their seventh digit on another CPU or a GPU (up to 1.4e-7 of the
     * score when batch padding still varied), so a replay elsewhere decides such copies alike.
     */
    static final double AT_THRESHOLD = 2e-6;
    private final GateSettings settings;

    public FineTuneGate(GateSettings settings) {
        this.settings = settings;
    }

    public GateSettings settings() {
        return settings;
    }

    /**
     * @param candidate the candidate
     * @param score     its score, or null when none arrived in time
     * @param sketch    the sketch of its dataset under {@code score.modelVersion()} (ignored without a score); updated
     * @param policies  every accepted policy version
     * @param at        the candidate's time, which selects the policy versions in force
     * @param decidedAt when the candidate reached the gate: a policy that had no version in force
     *                  at {@code at} yet judges it by the version in force then
     */
    public GateDecision decide(Candidate candidate, ScoredCandidate score, ScoreSketch sketch, PolicyEngine policies,
                               Instant at, Instant decidedAt) {
        List<CompiledPolicy> inForce = policies.inForce(at, decidedAt);
        // Bare rule ids, as the contract names them; a rule id shared by two policies is one conflict.
        Set<String> violated = new LinkedHashSet<>();
        inForce.forEach(policy -> violated.addAll(policy.violatedTextRules(candidate.prompt(), candidate.response())));
        List<String> reasons = new ArrayList<>();
        violated.forEach(rule -> reasons.add(GateDecision.POLICY_CONFLICT + rule));
        Double gradNorm = null;
        Double quantile = null;
        Double threshold = null;
        String modelVersion = score == null ? null : score.modelVersion();
        if (score == null || !score.scored()) {
            reasons.add(GateDecision.NO_SCORE);
        } else {
            gradNorm = score.gradNorm();
            if (sketch.count() < settings.warmupSamples()) {
                reasons.add(GateDecision.WARMUP);
            } else {
                threshold = threshold(sketch);
                quantile = sketch.rank(gradNorm);
                if (gradNorm > threshold * (1 + AT_THRESHOLD)) {
                    reasons.add(GateDecision.HIGH_GRADIENT);
                }
            }
            if (violated.isEmpty()) {
                sketch.add(gradNorm);
            }
        }
        return new GateDecision(candidate.sampleId(), candidate.datasetId(),
                reasons.isEmpty() ? GateDecision.Decision.ACCEPT : GateDecision.Decision.QUARANTINE, reasons,
                gradNorm, quantile, threshold, List.copyOf(violated), PolicyEngine.versionTag(inForce), modelVersion);
    }

    /**
     * The lower of the keep quantile and {@code maxMedianRatio} times the median. Where
     * high-gradient samples are more than {@code 1 - keepRatio} of a dataset the keep quantile
     * falls among them and lets the excess through (measured: at a harmful share of 8% in the
     * simulator, a fifth of harmful samples accepted); the median stays among the ordinary ones
     * until they are half. A median of zero (a model that fits most samples exactly) bounds
     * nothing: every other score would be over it.
     */
    private double threshold(ScoreSketch sketch) {
        double quantile = sketch.quantile(settings.keepRatio());
        if (settings.maxMedianRatio() == 0) {
            return quantile;
        }
        double median = sketch.quantile(0.5);
        return median < Double.MIN_NORMAL ? quantile : Math.min(quantile, median * settings.maxMedianRatio());
    }

    /** Whether a decision counts toward the dataset's quarantine share (warm-up holds do not). */
    public static boolean countsForSurge(GateDecision d) {
        return !d.reasons().equals(List.of(GateDecision.WARMUP));
    }
}
