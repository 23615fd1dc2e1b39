package dev.ballast.model.scoring;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.ballast.model.GradientCollection;
import dev.ballast.model.lm.ContextLm;
import dev.ballast.model.lm.EncodedBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Exact per-sample gradient norms for a whole batch from one backward pass.
 *
 * <p>The batch loss is the <em>sum</em> of the samples' losses, so the gradient at each layer's
 * output, row by row, is each sample's own. For a linear layer {@code y = x W^T + b} one sample's
 * weight gradient is {@code sum_t g_t x_t^T}, whose squared Frobenius norm is
 * {@code sum_{t,s} (g_t . g_s)(x_t . x_s)} (two T-by-T Gram matrices, never the B per-sample
 * gradient matrices), and its bias gradient is {@code sum_t g_t}. For an embedding, one sample's
 * gradient row for token v is the sum of the output gradients at the positions holding v.
 * {@link NaiveGradientNorms} computes the same numbers one backward pass per sample.
 */
public final class BatchedGradientNorms {
    private BatchedGradientNorms() {
    }

    /** Relative error beyond which a backward pass is not trusted (float32 round-off is near 1e-6). */
    static final double SEED_TOLERANCE = 1e-3;

    /**
     * Scores the batch; a backward pass whose output-layer gradient disagrees with its closed form
     * is run again once, and if it disagrees again the batch fails rather than report wrong norms.
     */
    public static List<SampleScore> score(ContextLm model, EncodedBatch batch, Set<ContextLm.Layer> layers,
                                          NDManager parent) {
        try {
            return scoreOnce(model, batch, layers, parent);
        } catch (UntrustedBackwardException first) {
            return scoreOnce(model, batch, layers, parent);
        }
    }

    /** A backward pass whose gradients failed the closed-form check. */
    public static final class UntrustedBackwardException extends IllegalStateException {
        UntrustedBackwardException(double scale) {
            super("backward pass gave output gradients " + scale + " times their closed form; batch not scored");
        }
    }

    private static List<SampleScore> scoreOnce(ContextLm model, EncodedBatch batch, Set<ContextLm.Layer> layers,
                                               NDManager parent) {
        int b = batch.samples();
        int t = batch.positions();
        double[] squared = new double[b];
        double[] loss = new double[b];
        try (GradientCollection.Turn turn = GradientCollection.take();
             NDManager m = parent.newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            ContextLm.Probes probes = new ContextLm.Probes();
            NDList inputs = batch.inputs(m);
            NDArray logits = model.forward(model.weights(), inputs, probes);
            NDArray targets = batch.targets(m);
            NDArray weights = batch.weights(m);
            NDArray nll = ContextLm.tokenNll(logits, targets);
            NDArray weighted = nll.mul(weights);
            collector.backward(weighted.sum());
            checkOutputGradient(nll, probes.outputGradient(), targets, weights);
            float[] perPosition = weighted.toFloatArray();
            for (int i = 0; i < b; i++) {
                for (int p = 0; p < t; p++) {
                    loss[i] += perPosition[i * t + p];
                }
            }
            if (layers.contains(ContextLm.Layer.OUTPUT)) {
                add(squared, linear(probes.outputInput(), probes.outputGradient(), b, t));
            }
            if (layers.contains(ContextLm.Layer.HIDDEN)) {
                add(squared, linear(probes.hiddenInput(), probes.hiddenGradient(), b, t));
            }
            boolean tokens = layers.contains(ContextLm.Layer.TOKEN_EMBEDDING);
            boolean prompts = layers.contains(ContextLm.Layer.PROMPT_EMBEDDING);
            if (tokens || prompts) {
                float[] inputGrad = probes.hiddenInputGradient().toFloatArray();
                int stride = inputGrad.length / (b * t);
                if (tokens) {
                    contextEmbedding(inputGrad, stride, batch, model.config().embedding(), model.vocabSize(), squared);
                }
                if (prompts) {
                    promptEmbedding(inputGrad, stride, batch, model.config().context() * model.config().embedding(),
                            model.vocabSize(), squared);
                }
            }
        }
        List<SampleScore> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            out.add(new SampleScore(Math.sqrt(squared[i]), loss[i]));
        }
        return out;
    }

    /**
     * The loss's gradient at each position's target logit has a closed form,
     * {@code (p_target - 1) * weight} with {@code p_target = exp(-nll)}. Once, a backward pass in a
     * long-running scorer returned every gradient of a batch scaled by the same factor of about
     * 1.6e9 (a bad backward seed); comparing autograd with the closed form at the target logits
     * catches that, and any corruption large enough to show there, for a pass over B*T numbers.
     *
     * @param nll per-position token NLL, [B*T]
     */
    static void checkOutputGradient(NDArray nll, NDArray autograd, NDArray targets, NDArray weights) {
        NDArray closedForm = nll.stopGradient().neg().exp().sub(1).mul(weights);
        NDArray atTargets = autograd.gather(targets.reshape(-1, 1), 1).reshape(-1);
        double norm = closedForm.square().sum().getFloat();
        double off = atTargets.sub(closedForm).square().sum().getFloat();
        if (norm > 0 && !(off <= SEED_TOLERANCE * SEED_TOLERANCE * norm)) {
            throw new UntrustedBackwardException(atTargets.mul(closedForm).sum().getFloat() / norm);
        }
    }

    /** Squared weight-plus-bias gradient norm per sample of a linear layer, from its inputs and output gradients. */
    private static float[] linear(NDArray input, NDArray outGrad, int b, int t) {
        NDArray x = input.reshape(b, t, -1);
        NDArray g = outGrad.reshape(b, t, -1);
        NDArray gramX = x.batchMatMul(x.transpose(0, 2, 1));
        NDArray gramG = g.batchMatMul(g.transpose(0, 2, 1));
        NDArray weight = gramX.mul(gramG).sum(new int[]{1, 2});
        NDArray bias = g.sum(new int[]{1}).square().sum(new int[]{1});
        return weight.add(bias).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    }

    /**
     * Adds each sample's squared context-embedding gradient norm. A sample's gradient row for token v
     * is the sum of the output gradients of its lookups of v: accumulated per sample in a dense
     * vocabulary-by-width scratch table (small for this model), touching only the rows it uses.
     *
     * @param grad   gradient at the hidden layer's input, {@code stride} floats per position, the
     *               context lookups' gradients first, {@code width} each
     */
    private static void contextEmbedding(float[] grad, int stride, EncodedBatch batch, int width, int vocabulary,
                                         double[] squared) {
        int c = batch.contextSize();
        int slots = batch.positions() * c;
        long[] ids = batch.context();
        double[] rows = new double[vocabulary * width];
        int[] touched = new int[slots];
        boolean[] used = new boolean[vocabulary];
        for (int i = 0; i < batch.samples(); i++) {
            int distinct = 0;
            for (int s = 0; s < slots; s++) {
                int slot = i * slots + s;
                int id = (int) ids[slot];
                if (!used[id]) {
                    used[id] = true;
                    touched[distinct++] = id;
                }
                int row = id * width;
                int base = (slot / c) * stride + (slot % c) * width;
                for (int e = 0; e < width; e++) {
                    rows[row + e] += grad[base + e];
                }
            }
            double sum = 0;
            for (int k = 0; k < distinct; k++) {
                int row = touched[k] * width;
                for (int e = 0; e < width; e++) {
                    sum += rows[row + e] * rows[row + e];
                    rows[row + e] = 0;
                }
                used[touched[k]] = false;
            }
            squared[i] += sum;
        }
    }

    /**
     * Adds each sample's squared prompt-embedding gradient norm. The pooled prompt embedding is
     * {@code sum_p w_p e(id_p)}, so with {@code q} the gradient at the pooled embedding summed over
     * the sample's positions, the gradient row for token v is {@code (sum of w_p over the prompt
     * positions holding v) * q}, and the squared norm {@code |q|^2 * sum_v (sum w_p)^2}.
     *
     * @param grad   gradient at the hidden layer's input, {@code stride} floats per position, the
     *               pooled prompt embedding's from {@code offset} to the end of the position
     */
    private static void promptEmbedding(float[] grad, int stride, EncodedBatch batch, int offset, int vocabulary,
                                        double[] squared) {
        int t = batch.positions();
        int p = batch.promptSize();
        double[] pooled = new double[stride - offset];
        double[] tokenWeight = new double[vocabulary];
        for (int i = 0; i < batch.samples(); i++) {
            Arrays.fill(pooled, 0);
            for (int pos = 0; pos < t; pos++) {
                int base = (i * t + pos) * stride + offset;
                for (int e = 0; e < pooled.length; e++) {
                    pooled[e] += grad[base + e];
                }
            }
            double q = 0;
            for (double v : pooled) {
                q += v * v;
            }
            double weights = 0;
            for (int j = 0; j < p; j++) {
                tokenWeight[(int) batch.promptIds()[i * p + j]] += batch.promptWeights()[i * p + j];
            }
            for (int j = 0; j < p; j++) {
                int id = (int) batch.promptIds()[i * p + j];
                weights += tokenWeight[id] * tokenWeight[id];
                tokenWeight[id] = 0;
            }
            squared[i] += q * weights;
        }
    }

    private static void add(double[] into, float[] values) {
        for (int i = 0; i < into.length; i++) {
            into[i] += values[i];
        }
    }
}
