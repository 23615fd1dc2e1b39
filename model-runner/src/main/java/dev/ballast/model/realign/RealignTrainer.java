package dev.ballast.model.realign;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.ballast.model.BuiltinLm;
import dev.ballast.model.GradientCollection;
import dev.ballast.model.lm.ContextLm;
import dev.ballast.model.lm.EncodedBatch;
import dev.ballast.model.lm.TextSample;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a copy of the model in force with the {@link HybridObjective} against a frozen reference
 * (the same version, loaded once more). Each step draws a batch of preference pairs, half as many
 * discarded responses and half as many neutral responses, with replacement, so the job's length is
 * its step count whatever the data's size. Reference log-probabilities come with the data
 * ({@link RealignDataBuilder} computes them once); the reference model runs only for the anchor.
 */
public final class RealignTrainer {
    /** Progress of a running job: called every {@code every} steps and after the last one. */
    @FunctionalInterface
    public interface Progress {
        void step(int step, int steps, double loss, double dpo, double unlearn, double anchor);
    }

    private final BuiltinLm policy;
    private final BuiltinLm reference;
    private final RealignData data;
    private final RealignSettings settings;

    /**
     * @param policy    the copy to train (its weights change; the caller saves it)
     * @param reference a frozen copy of the same version
     */
    public RealignTrainer(BuiltinLm policy, BuiltinLm reference, RealignData data, RealignSettings settings) {
        this.policy = policy;
        this.reference = reference;
        this.data = data;
        this.settings = settings;
    }

    public void train(Progress progress, int every) {
        if (data.preferences().isEmpty() && data.unlearn().isEmpty()) {
            throw new IllegalArgumentException("nothing to train on: no inverted, preserved or discarded pairs");
        }
        ai.djl.nn.ParameterList params = policy.block().getParameters();
        // Cosine decay to 5% of the rate: the late steps settle the preferences instead of trading
        // one batch's pairs against the next one's.
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.cosine()
                .setBaseValue(settings.learningRate()).optFinalValue(settings.learningRate() * 0.05f)
                .setMaxUpdates(settings.steps()).build()).build();
        SplittableRandom rng = new SplittableRandom(settings.seed());
        int b = settings.batchPairs();
        for (int step = 1; step <= settings.steps(); step++) {
            double[] terms = new double[3];
            // One step per turn: candidates waiting for a score are scored between two steps.
            try (GradientCollection.Turn turn = GradientCollection.take();
                 NDManager m = policy.model().getNDManager().newSubManager();
                 GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                // Fresh leaf copies of the weights each step, and their gradients read once: the
                // weights themselves never require gradients, so no gradient outlives its step,
                // nothing accumulates across steps and nothing has to be zeroed.
                Map<NDArray, NDArray> leaves = new IdentityHashMap<>();
                ContextLm.Weights weights = policy.block().weights(live -> {
                    NDArray leaf = live.stopGradient().duplicate();
                    leaf.attach(m);
                    leaf.setRequiresGradient(true);
                    leaves.put(live, leaf);
                    return leaf;
                });
                NDArray loss = m.zeros(new Shape());
                if (!data.preferences().isEmpty()) {
                    NDArray dpo = dpoTerm(draw(rng, data.preferences().size(), b), weights, m);
                    terms[0] = dpo.getFloat();
                    loss = loss.add(dpo);
                }
                if (!data.unlearn().isEmpty() && settings.unlearnWeight() > 0) {
                    NDArray npo = unlearnTerm(draw(rng, data.unlearn().size(), Math.max(1, b / 2)), weights, m);
                    terms[1] = npo.getFloat();
                    loss = loss.add(npo.mul(HybridObjective.constant(npo, settings.unlearnWeight())));
                }
                if (!data.neutral().isEmpty() && settings.anchorWeight() > 0) {
                    NDArray kl = anchorTerm(draw(rng, data.neutral().size(), b), weights, m);
                    terms[2] = kl.getFloat();
                    loss = loss.add(kl.mul(HybridObjective.constant(kl, settings.anchorWeight())));
                }
                float total = loss.getFloat();
                if (!Float.isFinite(total)) {
                    // Stepping on a non-finite loss would write NaN into every weight.
                    throw new IllegalStateException("training diverged at step " + step + " of " + settings.steps()
                            + ": loss " + total + " (DPO " + terms[0] + ", unlearning " + terms[1] + ", anchor "
                            + terms[2] + ")");
                }
                collector.backward(loss);
                for (Pair<String, Parameter> p : params) {
                    NDArray live = p.getValue().getArray();
                    adam.update(p.getKey(), live, leaves.get(live).getGradient());
                }
                if (step % every == 0 || step == settings.steps()) {
                    progress.step(step, settings.steps(), total, terms[0], terms[1], terms[2]);
                }
            }
        }
    }

    private NDArray dpoTerm(int[] picks, ContextLm.Weights current, NDManager m) {
        List<TextSample> samples = new ArrayList<>(2 * picks.length);
        float[] refW = new float[picks.length];
        float[] refL = new float[picks.length];
        float[] weights = new float[picks.length];
        for (int i = 0; i < picks.length; i++) {
            PreferenceExample p = data.preferences().get(picks[i]);
            samples.add(new TextSample(p.prompt(), p.preferred()));
            refW[i] = p.refPreferred();
            refL[i] = p.refDispreferred();
            weights[i] = (float) p.weight();
        }
        for (int pick : picks) {
            PreferenceExample p = data.preferences().get(pick);
            samples.add(new TextSample(p.prompt(), p.dispreferred()));
        }
        EncodedBatch batch = SequenceLogProbs.encode(policy, samples);
        NDArray lp = SequenceLogProbs.fromLogits(SequenceLogProbs.logits(policy, current, batch, m), batch, m);
        NDArray preferred = lp.get("0:" + picks.length);
        NDArray dispreferred = lp.get(picks.length + ":");
        return HybridObjective.dpo(preferred, dispreferred, m.create(refW), m.create(refL), m.create(weights),
                settings.beta());
    }

    private NDArray unlearnTerm(int[] picks, ContextLm.Weights current, NDManager m) {
        List<TextSample> samples = new ArrayList<>(picks.length);
        float[] refs = new float[picks.length];
        float[] weights = new float[picks.length];
        for (int i = 0; i < picks.length; i++) {
            UnlearnExample u = data.unlearn().get(picks[i]);
            samples.add(new TextSample(u.prompt(), u.response()));
            refs[i] = u.reference();
            weights[i] = (float) u.weight();
        }
        EncodedBatch batch = SequenceLogProbs.encode(policy, samples);
        NDArray lp = SequenceLogProbs.fromLogits(SequenceLogProbs.logits(policy, current, batch, m), batch, m);
        return HybridObjective.unlearn(lp, m.create(refs), m.create(weights), settings.beta());
    }

    private NDArray anchorTerm(int[] picks, ContextLm.Weights current, NDManager m) {
        List<TextSample> samples = new ArrayList<>(picks.length);
        for (int pick : picks) {
            samples.add(data.neutral().get(pick));
        }
        EncodedBatch batch = SequenceLogProbs.encode(policy, samples);
        NDArray referenceLogits = SequenceLogProbs.logits(reference, batch, m).stopGradient();
        return HybridObjective.anchor(SequenceLogProbs.logits(policy, current, batch, m), referenceLogits, batch.weights(m),
                batch.samples());
    }

    private static int[] draw(SplittableRandom rng, int size, int n) {
        int[] picks = new int[n];
        for (int i = 0; i < n; i++) {
            picks[i] = rng.nextInt(size);
        }
        return picks;
    }
}
