package dev.ballast.model.train;

/**
 * How the built-in model is trained. Part of a model version's identity.
 *
 * @param corpusSize    samples drawn from the shipped corpus
 * @param refusalEvery  one sample in this many is a refused harmful request
 * @param epochs        passes over the corpus
 * @param batchSize     predicted tokens per optimiser step
 * @param learningRate  Adam's learning rate
 * @param unknownRate   share of word tokens replaced by {@code <unk>} during training, so that words
 *                      the model never saw get a finite, comparable loss
 * @param seed          seed of the corpus draw, the shuffling and the initial weights
 */
public record TrainingSettings(int corpusSize, int refusalEvery, int epochs, int batchSize, float learningRate,
                               double unknownRate, long seed) {

    public static final TrainingSettings DEFAULT = new TrainingSettings(4000, 4, 4, 256, 3e-3f, 0.03,
            dev.ballast.model.corpus.TrainingCorpus.SEED);
}
