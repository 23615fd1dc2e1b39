package dev.ballast.model.realign;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.ballast.model.BuiltinLm;
import dev.ballast.model.lm.ContextLm;
import dev.ballast.model.lm.EncodedBatch;
import dev.ballast.model.lm.TextSample;
import java.util.List;

/**
 * Length-normalised log-probabilities of responses: each response's mean log-probability per
 * token (its end marker included) given its prompt. Normalising by length keeps a long response
 * from looking unlikely only for being long, so preferences between responses of different
 * lengths (a reply and a one-line promise) compare like with like.
 */
final class SequenceLogProbs {
    private static final int EVAL_BATCH = 64;

    private SequenceLogProbs() {
    }

    /** Mean token log-probability per sample, [B], from logits [B*T,V] of {@code batch}. */
    static NDArray fromLogits(NDArray logits, EncodedBatch batch, NDManager manager) {
        return ContextLm.tokenNll(logits, batch.targets(manager)).mul(batch.weights(manager))
                .reshape(batch.samples(), batch.positions()).sum(new int[]{1}).neg();
    }

    /** The model's logits for {@code batch} with its own weights (gradients flow when they require it). */
    static NDArray logits(BuiltinLm model, EncodedBatch batch, NDManager manager) {
        return logits(model, model.block().weights(), batch, manager);
    }

    /** The model's logits for {@code batch} with {@code weights} in place of its own. */
    static NDArray logits(BuiltinLm model, ContextLm.Weights weights, EncodedBatch batch, NDManager manager) {
        return model.block().forward(weights, batch.inputs(manager), null);
    }

    static EncodedBatch encode(BuiltinLm model, List<TextSample> samples) {
        return EncodedBatch.encode(samples, model.vocabulary(), model.block().config());
    }

    /** Mean token log-probabilities of {@code samples}, computed in batches, no gradients kept. */
    static float[] compute(BuiltinLm model, List<TextSample> samples) {
        float[] out = new float[samples.size()];
        for (int from = 0; from < samples.size(); from += EVAL_BATCH) {
            List<TextSample> chunk = samples.subList(from, Math.min(samples.size(), from + EVAL_BATCH));
            try (NDManager m = model.model().getNDManager().newSubManager()) {
                EncodedBatch batch = encode(model, chunk);
                float[] values = fromLogits(logits(model, batch, m), batch, m).toFloatArray();
                System.arraycopy(values, 0, out, from, values.length);
            }
        }
        return out;
    }

    /** Total token negative log-likelihood and token count of {@code samples}, for perplexity. */
    static double[] totalNll(BuiltinLm model, List<TextSample> samples) {
        float[] mean = compute(model, samples);
        int[] lengths = encode(model, samples).lengths();
        double nll = 0;
        long tokens = 0;
        for (int i = 0; i < samples.size(); i++) {
            int length = lengths[i];
            nll -= mean[i] * (double) length;
            tokens += length;
        }
        return new double[]{nll, tokens};
    }
}
