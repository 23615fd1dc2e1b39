package dev.ballast.model.realign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.model.lm.TextSample;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelAcceptanceTest {
    private static final PreferenceFigures BEFORE = new PreferenceFigures(0.6, 0.0, 1.50);

    @Test
    void aModelThatLearnedWithinThePerplexityAllowanceIsPublished() {
        assertEquals(Optional.empty(), ModelAcceptance.rejection(BEFORE, new PreferenceFigures(0.95, 0.9, 1.64), 0.10));
        assertEquals(Optional.empty(), ModelAcceptance.rejection(BEFORE, new PreferenceFigures(0.6, 0.0, 1.50), 0.10),
                "no change is no harm");
    }

    @Test
    void divergedWorseOrCostlyModelsAreNot() {
        assertTrue(ModelAcceptance.rejection(BEFORE, new PreferenceFigures(Double.NaN, 0, Double.NaN), 0.10)
                .orElseThrow().contains("diverged"));
        assertTrue(ModelAcceptance.rejection(BEFORE, new PreferenceFigures(0.55, 0.5, 1.5), 0.10)
                .orElseThrow().contains("accuracy fell"));
        assertTrue(ModelAcceptance.rejection(BEFORE, new PreferenceFigures(1.0, 1.0, 1.66), 0.10)
                .orElseThrow().contains("perplexity rose"));
    }

    @Test
    void dataThatCannotMeasureAFigureIsRefusedBeforeTrainingNotCalledDivergence() {
        PreferenceExample inverted = new PreferenceExample("p1", "q", "complies", "breaks", 3.0, -1f, -2f);
        TextSample neutral = new TextSample("q", "a plain answer");
        assertEquals(Optional.empty(), ModelAcceptance.unjudgeable(
                new RealignData(List.of(inverted), List.of(), List.of(neutral), List.of(inverted), List.of(inverted),
                        List.of(neutral)), "care@2"));
        String allConflicts = ModelAcceptance.unjudgeable(new RealignData(List.of(inverted), List.of(), List.of(),
                List.of(inverted), List.of(inverted), List.of()), "care@2").orElseThrow();
        assertTrue(allConflicts.startsWith("no held-out neutral text under care@2 (no pair is PRESERVE"), allConflicts);
        String splitAway = ModelAcceptance.unjudgeable(new RealignData(List.of(inverted), List.of(), List.of(neutral),
                List.of(inverted), List.of(inverted), List.of()), "care@2").orElseThrow();
        assertTrue(splitAway.contains("the 1 neutral pairs"), splitAway);
        String discardsOnly = ModelAcceptance.unjudgeable(new RealignData(List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(neutral)), "care@2").orElseThrow();
        assertTrue(discardsOnly.startsWith("no held-out pair carries a preference under care@2"), discardsOnly);
    }
}
