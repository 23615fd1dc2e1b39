package dev.ballast.streams.gate;

import dev.ballast.streams.drift.MonitorSettings;

/**
 * How the fine-tuning gate decides.
 *
 * @param keepRatio       share of a dataset's candidates the gradient test lets through: a
 *                        candidate passes when its gradNorm is at or below the dataset's running
 *                        {@code keepRatio} quantile (so about {@code 1 - keepRatio} are held back)
 * @param maxMedianRatio  a candidate also passes the gradient test only at or below this many times
 *                        its dataset's running median gradNorm (0 = no such bound): the keep
 *                        quantile alone rises into the high-gradient samples as soon as they are
 *                        more than {@code 1 - keepRatio} of a dataset, and the median does not
 *                        move far until they are half of it
 * @param warmupSamples   scores a dataset's sketch (per model version) must hold before the
 *                        gradient test is trusted; before that every candidate is quarantined
 *                        ({@code WARMUP}), failing closed
 * @param sketchK         t-digest compression of each dataset's score sketch (about k centroids)
 * @param surge           the quarantine-share change detector per dataset (GATE_SURGE alerts);
 *                        its "violation" is a quarantine once the dataset is warm
 * @param orderGraceMs    wall-clock time a live gate holds each scored candidate before deciding
 *                        it, so that candidates reaching a dataset's task a little later from
 *                        other partitions (or scored in a later batch) are still decided in
 *                        event-time order; 0 decides each on arrival
 */
public record GateSettings(double keepRatio, double maxMedianRatio, int warmupSamples, int sketchK, MonitorSettings surge,
                           long orderGraceMs) {
    public GateSettings {
        if (!(keepRatio > 0 && keepRatio <= 1)) {
            throw new IllegalArgumentException("gate keep ratio must be in (0, 1]");
        }
        if (maxMedianRatio != 0 && !(maxMedianRatio >= 1)) {
            throw new IllegalArgumentException("gate max median ratio must be 0 (off) or at least 1");
        }
        if (warmupSamples < 1) {
            throw new IllegalArgumentException("gate warm-up needs at least 1 sample");
        }
        if (sketchK < ScoreSketch.MIN_K || sketchK > ScoreSketch.MAX_K) {
            throw new IllegalArgumentException("gate sketch k must be between " + ScoreSketch.MIN_K + " and " + ScoreSketch.MAX_K);
        }
        if (orderGraceMs < 0) {
            throw new IllegalArgumentException("gate order grace must not be negative");
        }
    }
}
