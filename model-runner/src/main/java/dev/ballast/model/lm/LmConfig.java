package dev.ballast.model.lm;

/**
 * Shape of the built-in language model. Part of a model version's identity: two models with
 * different shapes never share a version.
 *
 * @param context           preceding tokens each prediction sees
 * @param embedding         width of a context token's embedding
 * @param promptEmbedding   width of the pooled prompt embedding every prediction is conditioned on
 * @param hidden            width of the hidden layer
 * @param maxPromptTokens   prompt tokens kept (the rest are cut)
 * @param maxResponseTokens response tokens scored (the rest are cut; the end marker is always scored)
 */
public record LmConfig(int context, int embedding, int promptEmbedding, int hidden, int maxPromptTokens,
                       int maxResponseTokens) {

    public static final LmConfig DEFAULT = new LmConfig(6, 32, 32, 96, 48, 96);

    public LmConfig {
        if (context < 1 || embedding < 1 || promptEmbedding < 1 || hidden < 1 || maxPromptTokens < 1
                || maxResponseTokens < 1) {
            throw new IllegalArgumentException("every model dimension must be positive");
        }
    }
}
