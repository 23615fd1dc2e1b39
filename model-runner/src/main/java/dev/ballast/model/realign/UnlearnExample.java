package dev.ballast.model.realign;

/**
 * A response the hybrid objective's bounded unlearning term pushes down: the chosen response of a
 * discarded pair (both of its responses break the new policy, so neither is a good example).
 */
public record UnlearnExample(String pairId, String prompt, String response, double weight) {
}
