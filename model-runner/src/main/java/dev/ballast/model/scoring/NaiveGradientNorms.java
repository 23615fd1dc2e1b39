package dev.ballast.model.scoring;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.ballast.model.GradientCollection;
import dev.ballast.model.lm.ContextLm;
import dev.ballast.model.lm.LmConfig;
import dev.ballast.model.lm.EncodedBatch;
import dev.ballast.model.lm.TextSample;
import dev.ballast.model.lm.Vocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The reference: one forward and one backward pass per sample, then the norm of the parameters'
 * own gradients. Slow by design; {@link BatchedGradientNorms} must agree with it.
 */
public final class NaiveGradientNorms {
    private NaiveGradientNorms() {
    }

    public static List<SampleScore> score(ContextLm model, Vocabulary vocab, List<TextSample> samples,
                                          Set<ContextLm.Layer> layers, NDManager parent) {
        List<Parameter> scored = new ArrayList<>();
        for (ContextLm.Layer layer : layers) {
            scored.addAll(model.parameters(layer));
        }
        LmConfig config = model.config();
        List<SampleScore> out = new ArrayList<>(samples.size());
        scored.forEach(p -> p.getArray().setRequiresGradient(true));
        try {
            for (TextSample sample : samples) {
                EncodedBatch one = EncodedBatch.encode(List.of(sample), vocab, config);
                try (GradientCollection.Turn turn = GradientCollection.take();
                     NDManager m = parent.newSubManager();
                     GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.forward(model.weights(), one.inputs(m), null);
                    NDArray loss = ContextLm.tokenNll(logits, one.targets(m)).mul(one.weights(m)).sum();
                    collector.backward(loss);
                    double squared = 0;
                    for (Parameter p : scored) {
                        NDArray g = p.getArray().getGradient();
                        // Attached to this sample's manager, so the handle and its derived arrays go with it.
                        g.attach(m);
                        squared += g.square().sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
                        g.muli(0);
                    }
                    out.add(new SampleScore(Math.sqrt(squared), loss.getFloat()));
                }
            }
        } finally {
            scored.forEach(p -> p.getArray().setRequiresGradient(false));
        }
        return out;
    }
}
