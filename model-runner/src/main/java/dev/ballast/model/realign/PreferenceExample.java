package dev.ballast.model.realign;

/**
 * One preference the hybrid objective's DPO term learns: for {@code prompt}, {@code preferred} over
 * {@code dispreferred} (for an inverted pair, its rejected response over its chosen one).
 *
 * @param weight the pair's weight in the DPO term (its alignment impact for conflicts, 1 for preserved pairs)
 */
public record PreferenceExample(String pairId, String prompt, String preferred, String dispreferred, double weight) {
}
