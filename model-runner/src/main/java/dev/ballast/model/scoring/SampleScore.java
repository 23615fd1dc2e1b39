package dev.ballast.model.scoring;

/**
 * One sample's score under a model.
 *
 * @param gradNorm L2 norm of the gradient of the sample's loss with respect to the scored parameters
 * @param loss     the sample's mean token NLL of the response given the prompt
 */
public record SampleScore(double gradNorm, double loss) {
}
