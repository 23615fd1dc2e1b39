package dev.ballast.streams.sim;

/**
 * Size and mix of the simulated preference data ({@code preferences.jsonl}).
 *
 * @param count          preference pairs
 * @param conflictShare  share of pairs whose chosen response the new customer-care policy forbids
 *                       (four in five of them inverted, one in five with both responses forbidden)
 * @param malformedLines deliberately broken preference lines
 */
public record PreferenceSpec(int count, double conflictShare, int malformedLines) {
    public static final PreferenceSpec NONE = new PreferenceSpec(0, 0, 0);

    public PreferenceSpec {
        if (count < 0 || malformedLines < 0) {
            throw new IllegalArgumentException("preference count and malformed lines must be non-negative");
        }
        if (!(conflictShare >= 0 && conflictShare <= 1)) {
            throw new IllegalArgumentException("conflict share must be between 0 and 1");
        }
    }

    /** Six hundred pairs, half of them in conflict with the new policy, two broken lines. */
    public static PreferenceSpec defaults() {
        return new PreferenceSpec(600, 0.5, 2);
    }
}
