package dev.ballast.model.realign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import dev.ballast.events.TriageDecision;
import java.util.List;
import org.junit.jupiter.api.Test;

class HybridObjectiveTest {
    @Test
    void termsMatchTheirFormulas() {
        try (NDManager m = NDManager.newBaseManager()) {
            var w = m.create(new float[]{1f, 3f});
            // margins: (0 - 0) - (0 - 0) = 0 and (1 - 0) - (0 - 0) = 1
            float dpo = HybridObjective.dpo(m.create(new float[]{0f, 1f}), m.create(new float[]{0f, 0f}),
                    m.create(new float[]{0f, 0f}), m.create(new float[]{0f, 0f}), w, 2.0).getFloat();
            double expected = (Math.log(2) + 3 * Math.log1p(Math.exp(-2))) / 4;
            assertEquals(expected, dpo, 1e-6);
            float npo = HybridObjective.unlearn(m.create(new float[]{-50f}), m.create(new float[]{0f}),
                    m.create(new float[]{1f}), 2.0).getFloat();
            assertTrue(npo >= 0 && npo < 1e-6, "bounded: far below the reference the loss is ~0, never negative");
            float big = HybridObjective.softplus(m.create(new float[]{100f})).getFloat();
            assertEquals(100f, big, 1e-4, "no overflow");
            var logits = m.create(new float[]{1f, 2f, 3f, 1f, 2f, 3f}, new ai.djl.ndarray.types.Shape(2, 3));
            assertEquals(0f, HybridObjective.anchor(logits, logits, m.create(new float[]{0.5f, 0.5f}), 1).getFloat(),
                    1e-7);
        }
    }

    /**
     * The gradient of every term is its formula's even when the garbage collector runs between the
     * forward and the backward pass and the freed native memory is handed out again: constants the
     * graph keeps must outlive the backward pass (see {@link HybridObjective#constant}). With DJL's
     * {@code mul(Number)} in place of them this gradient read freed memory.
     */
    @Test
    void gradientsSurviveAGarbageCollectionBetweenForwardAndBackward() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            try (NDManager m = NDManager.newBaseManager();
                 GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray policy = m.create(new float[]{0.5f, -0.25f});
                policy.setRequiresGradient(true);
                NDArray loss = HybridObjective.unlearn(policy, m.create(new float[]{0f, 0f}),
                        m.create(new float[]{1f, 1f}), 2.0)
                        .add(HybridObjective.dpo(policy, m.create(new float[]{0f, 0f}), m.create(new float[]{0f, 0f}),
                                m.create(new float[]{0f, 0f}), m.create(new float[]{1f, 1f}), 2.0));
                reuseFreedNativeMemory();
                collector.backward(loss);
                float[] gradient = policy.getGradient().toFloatArray();
                for (int i = 0; i < 2; i++) {
                    double x = new double[]{0.5, -0.25}[i];
                    // d/dx of (2/b) mean(softplus(b x)) + mean(softplus(-b x)) over two samples, b = 2.
                    double expected = sigmoid(2 * x) - sigmoid(-2 * x);
                    assertEquals(expected, gradient[i], 1e-5, "round " + round + ", sample " + i);
                }
            }
        }
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Collects unreachable direct buffers and refills small freed blocks with NaN. */
    private static void reuseFreedNativeMemory() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        List<ByteBuffer> filler = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, Float.NaN);
            filler.add(b);
        }
        assertEquals(2_000, filler.size());
    }

    @Test
    void impactWeighsSeverityByHowStronglyTheModelPrefersTheViolatingResponse() {
        assertEquals(3.0, ImpactScore.of(3, 0), 1e-12);
        assertTrue(ImpactScore.of(3, 5) > 5.9 && ImpactScore.of(3, -5) < 0.1);
    }

    @Test
    void selectionTakesTheNewestTriagedVersionOfEachNamedPolicy() {
        var d1 = new TriageDecision("p1", TriageDecision.Action.PRESERVE, 0, "care@1", List.of(), List.of());
        var d2 = new TriageDecision("p1", TriageDecision.Action.INVERT, 3, "care@2", List.of("r"), List.of());
        var d3 = new TriageDecision("p1", TriageDecision.Action.PRESERVE, 0, "work@2", List.of(), List.of());
        var d4 = new TriageDecision("p2", TriageDecision.Action.DISCARD, 2, "other@1", List.of("r"), List.of("r"));
        assertEquals(List.of(d2), TriageSelection.select(List.of(d1, d2, d3, d4), "care@1,work@1"));
        assertEquals(List.of(d1), TriageSelection.select(List.of(d1, d3), "care@1"));
        assertEquals(List.of(), TriageSelection.select(List.of(d1, d2), "care@3"));
    }

    @Test
    void selectionDoesNotDependOnTheOrderDecisionsWereRead() {
        var care = new TriageDecision("p1", TriageDecision.Action.PRESERVE, 0, "care@1", List.of(), List.of());
        var work = new TriageDecision("p1", TriageDecision.Action.PRESERVE, 0, "work@1", List.of(), List.of());
        var other = new TriageDecision("p0", TriageDecision.Action.INVERT, 2, "work@1", List.of("r"), List.of());
        List<TriageDecision> expected = List.of(other, care);
        assertEquals(expected, TriageSelection.select(List.of(care, work, other), "care@1,work@1"));
        assertEquals(expected, TriageSelection.select(List.of(other, work, care), "care@1,work@1"));
    }
}
