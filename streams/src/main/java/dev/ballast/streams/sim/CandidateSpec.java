package dev.ballast.streams.sim;

/**
 * Size and mix of the simulated fine-tuning candidates ({@code candidates.jsonl}).
 *
 * @param count             candidates, spread over the scenario's time span
 * @param harmfulShare      share of harmful-compliance samples in every dataset
 * @param ruleBreakingShare share of samples whose answer breaks a text rule
 * @param surgeHarmfulShare harmful share of the surge dataset's last 40% of samples (a poisoned
 *                          vendor batch); 0 for no surge
 * @param malformedLines    deliberately broken candidate lines
 */
public record CandidateSpec(int count, double harmfulShare, double ruleBreakingShare, double surgeHarmfulShare,
                            int malformedLines) {
    public static final CandidateSpec NONE = new CandidateSpec(0, 0, 0, 0, 0);
    /** Where in the poisoned dataset its harmful share jumps: after its first 60% of samples. */
    private static final double SURGE_FROM = 0.6;

    public CandidateSpec {
        if (count < 0 || malformedLines < 0) {
            throw new IllegalArgumentException("candidate count and malformed lines must be non-negative");
        }
        if (harmfulShare < 0 || ruleBreakingShare < 0 || harmfulShare + ruleBreakingShare > 1
                || surgeHarmfulShare < 0 || surgeHarmfulShare + ruleBreakingShare > 1) {
            throw new IllegalArgumentException("candidate shares must be non-negative and, with the rule-breaking "
                    + "share, sum to at most 1");
        }
    }

    /** Samples in the poisoned dataset: a quarter of the candidates, none without a surge. */
    public int surgeSamples() {
        return surgeHarmfulShare > 0 ? count / 4 : 0;
    }

    /** The poisoned dataset's sample (0-based, within it) from which its harmful share jumps. */
    public int surgeFromSample() {
        return surgeFrom(surgeSamples());
    }

    /** The fewest candidates whose poisoned dataset jumps at its sample {@code sample} or later. */
    public static int countForSurgeFrom(int sample) {
        int samples = 0;
        while (surgeFrom(samples) < sample) {
            samples++;
        }
        return 4 * samples;
    }

    private static int surgeFrom(int surgeSamples) {
        return (int) Math.round(surgeSamples * SURGE_FROM);
    }

    /** Two thousand candidates, 5% harmful compliance, 4% rule-breaking, a surge to 50% in one dataset. */
    public static CandidateSpec defaults() {
        return new CandidateSpec(2_000, 0.05, 0.04, 0.5, 3);
    }
}
