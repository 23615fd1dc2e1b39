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

    public static List<SampleScore> score(ContextLm model, EncodedBatch batch, Set<ContextLm.Layer> layers,
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
