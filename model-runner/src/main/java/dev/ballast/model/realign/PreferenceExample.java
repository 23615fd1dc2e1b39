package dev.ballast.model.realign;

/**
 * One preference the hybrid objective's DPO term learns: for {@code prompt}, {@code preferred} over
 * {@code dispreferred} (for an inverted pair, its rejected response over its chosen one).
 *
 * @param weight          the pair's weight in the DPO term (its alignment impact for conflicts,
 *                        {@code preserveWeight} for preserved pairs)
 * @param refPreferred    the reference model's mean log-probability per token of {@code preferred}
 * @param refDispreferred the same of {@code dispreferred}
 */
public record PreferenceExample(String pairId, String prompt, String preferred, String dispreferred, double weight,
                                float refPreferred, float refDispreferred) {
}
