package dev.ballast.model.realign;

/**
 * How a re-alignment job trains. Defaults are what the README's figures were measured with.
 *
 * @param steps         optimiser steps
 * @param batchPairs    preference pairs per step (unlearning and anchor batches are half and the same size)
 * @param learningRate  Adam's learning rate
 * @param beta          DPO temperature on length-normalised log-probabilities (nats per token): the
 *                      margin over the reference at which a pair's loss has mostly saturated is about 3/beta
 * @param preserveWeight DPO weight of a preserved pair (a conflict's is its impact, about 2 to 6): the
 *                      model already holds these preferences, and pushing them further only moves
 *                      the model away from the reference where nothing asked it to move
 * @param unlearnWeight weight of the bounded unlearning term (NPO) on discarded pairs' chosen responses
 * @param anchorWeight  weight of the KL anchor to the reference model on neutral text
 * @param heldOutShare  share of pairs (by a hash of pairId) kept out of training for the before/after figures
 * @param seed          seed of batch sampling and initial order
 * @param maxPerplexityIncrease largest relative rise of held-out neutral perplexity a trained model
 *                      may show and still be published (0.10: +10%)
 */
public record RealignSettings(int steps, int batchPairs, float learningRate, double beta, double preserveWeight, double unlearnWeight,
                              double anchorWeight, double heldOutShare, long seed, double maxPerplexityIncrease) {

    public static final RealignSettings DEFAULT = new RealignSettings(300, 32, 1e-3f, 2.0, 0.25, 0.2, 3.0, 0.2, 1L, 0.10);

    public RealignSettings {
        if (steps < 1 || batchPairs < 1 || !(learningRate > 0) || !(beta > 0) || preserveWeight < 0 || unlearnWeight < 0
                || anchorWeight < 0 || !(heldOutShare > 0 && heldOutShare < 1) || !(maxPerplexityIncrease >= 0)) {
            throw new IllegalArgumentException("re-alignment settings: steps and batch size >= 1, learning rate and "
                    + "beta > 0, term weights >= 0, held-out share in (0, 1), perplexity allowance >= 0");
        }
    }
}
