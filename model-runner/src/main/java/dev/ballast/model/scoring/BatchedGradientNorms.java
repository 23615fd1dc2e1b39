package dev.ballast.model.scoring;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.ballast.model.lm.ContextLm;
import dev.ballast.model.lm.EncodedBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        try (NDManager m = parent.newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            ContextLm.Probes probes = new ContextLm.Probes();
            NDArray logits = model.forward(model.weights(), batch.inputs(m), probes);
            NDArray weighted = ContextLm.tokenNll(logits, batch.targets(m)).mul(batch.weights(m));
            collector.backward(weighted.sum());
            checkOutputGradient(logits, probes.outputGradient(), batch.targets(m), batch.weights(m));
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
            if (layers.contains(ContextLm.Layer.TOKEN_EMBEDDING)) {
                embedding(probes.contextGradient().toFloatArray(), batch.context(), b,
                        t * batch.contextSize(), model.config().embedding(), squared);
            }
            if (layers.contains(ContextLm.Layer.PROMPT_EMBEDDING)) {
                embedding(probes.promptGradient().toFloatArray(), batch.promptIds(), b, batch.promptSize(),
                        model.config().promptEmbedding(), squared);
            }
        }
        List<SampleScore> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            out.add(new SampleScore(Math.sqrt(squared[i]), loss[i]));
        }
        return out;
    }

    /**
     * The loss's gradient at the logits has a closed form, {@code (softmax - onehot(target)) * weight}
     * per position. Once, a backward pass in a long-running scorer returned every gradient of a batch
     * scaled by the same factor of about 1.6e9 (a bad backward seed); comparing the autograd
     * gradient with the closed form catches that, and any other corruption of the output layer.
     */
    static void checkOutputGradient(NDArray logits, NDArray autograd, NDArray targets, NDArray weights) {
        NDArray closedForm = logits.stopGradient().softmax(1)
                .sub(targets.oneHot(vocabulary(logits)).toType(logits.getDataType(), false))
                .mul(weights.expandDims(1));
        double overlap = autograd.mul(closedForm).sum().getFloat();
        double norm = closedForm.square().sum().getFloat();
        double off = autograd.sub(closedForm).square().sum().getFloat();
        if (norm > 0 && !(off <= SEED_TOLERANCE * SEED_TOLERANCE * norm)) {
            throw new UntrustedBackwardException(overlap / norm);
        }
    }

    private static int vocabulary(NDArray logits) {
        return (int) logits.getShape().get(1);
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
     * Adds each sample's squared embedding-gradient norm: per sample, output gradients are summed by
     * token id, then squared. {@code slots} lookups of width {@code width} belong to each sample.
     */
    private static void embedding(float[] grad, long[] ids, int b, int slots, int width, double[] squared) {
        Map<Long, double[]> rows = new HashMap<>();
        for (int i = 0; i < b; i++) {
            rows.clear();
            for (int s = 0; s < slots; s++) {
                int slot = i * slots + s;
                double[] row = rows.computeIfAbsent(ids[slot], k -> new double[width]);
                int base = slot * width;
                for (int e = 0; e < width; e++) {
                    row[e] += grad[base + e];
                }
            }
            double sum = 0;
            for (double[] row : rows.values()) {
                for (double v : row) {
                    sum += v * v;
                }
            }
            squared[i] += sum;
        }
    }

    private static void add(double[] into, float[] values) {
        for (int i = 0; i < into.length; i++) {
            into[i] += values[i];
        }
    }
}
