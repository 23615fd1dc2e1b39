package dev.ballast.model.realign;

import ai.djl.ndarray.NDArray;

/**
 * The terms of TRACE's hybrid re-alignment objective (RESEARCH.md), on length-normalised
 * log-probabilities (see {@link SequenceLogProbs}); the trainer sums them with their weights.
 * <ul>
 *   <li><b>DPO</b> on inverted pairs (swapped) and preserved pairs:
 *       {@code softplus(-beta * ((pi_w - ref_w) - (pi_l - ref_l)))}, weighted per pair.</li>
 *   <li><b>Bounded unlearning</b> (negative preference optimisation) on discarded pairs' chosen
 *       responses: {@code (2/beta) * softplus(beta * (pi - ref))}. Unlike gradient ascent on the
 *       likelihood, it is bounded below by 0 and its gradient fades once the response is well below
 *       the reference, so it cannot drive the model into collapse.</li>
 *   <li><b>KL anchor</b> on neutral text: {@code KL(p_ref || p_theta)} per token, averaged, so
 *       what the new policy does not concern stays as the reference model had it.</li>
 * </ul>
 */
final class HybridObjective {
    private HybridObjective() {
    }

    /** Weighted mean DPO loss; arrays [B], weights [B]. */
    static NDArray dpo(NDArray policyPreferred, NDArray policyDispreferred, NDArray refPreferred,
                       NDArray refDispreferred, NDArray weights, double beta) {
        NDArray margin = policyPreferred.sub(refPreferred).sub(policyDispreferred.sub(refDispreferred));
        return weightedMean(softplus(margin.mul(constant(margin, -beta))), weights);
    }

    /** Weighted mean bounded unlearning loss; arrays [B], weights [B]. */
    static NDArray unlearn(NDArray policy, NDArray reference, NDArray weights, double beta) {
        NDArray scaled = policy.sub(reference).mul(constant(policy, beta));
        return weightedMean(softplus(scaled), weights).mul(constant(policy, 2 / beta));
    }

    /**
     * Mean per-sample KL divergence from the reference's next-token distribution to the policy's,
     * over positions weighted as in {@code EncodedBatch} (1/length at real positions, 0 at padding).
     */
    static NDArray anchor(NDArray policyLogits, NDArray referenceLogits, NDArray positionWeights, int samples) {
        NDArray refLog = referenceLogits.logSoftmax(1);
        NDArray perPosition = refLog.exp().mul(refLog.sub(policyLogits.logSoftmax(1))).sum(new int[]{1});
        return perPosition.mul(positionWeights).sum().div(constant(perPosition, samples));
    }

    /** {@code log(1 + e^x)}, computed as {@code max(x, 0) + log(1 + e^-|x|)} so large margins do not overflow. */
    static NDArray softplus(NDArray x) {
        return x.maximum(constant(x, 0)).add(x.abs().neg().exp().add(constant(x, 1)).log());
    }

    /**
     * A scalar that lives as long as {@code like}'s manager. DJL's {@code mul(Number)} and kin
     * create the scalar over Java memory and free it on return, while autograd keeps it for the
     * backward pass: the gradient then reads freed memory, and training went NaN, or did not move,
     * in some runs of identical input. Every constant on a gradient's path is made here instead.
     */
    static NDArray constant(NDArray like, double value) {
        return like.getManager().create((float) value);
    }

    private static NDArray weightedMean(NDArray values, NDArray weights) {
        return values.mul(weights).sum().div(weights.sum());
    }
}
