package dev.ballast.model.realign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
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
}
