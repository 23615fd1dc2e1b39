package dev.ballast.model.realign;

/**
 * A response the hybrid objective's bounded unlearning term pushes down: the chosen response of a
 * discarded pair (both of its responses break the new policy, so neither is a good example).
 *
 * @param reference the reference model's mean log-probability per token of {@code response}
 */
public record UnlearnExample(String pairId, String prompt, String response, double weight, float reference) {
}
