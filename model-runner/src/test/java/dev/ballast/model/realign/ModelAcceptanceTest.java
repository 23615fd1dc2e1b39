package dev.ballast.model.realign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
