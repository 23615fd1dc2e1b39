package dev.ballast.model.scoring;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ballast.model.DjlRuntime;
import org.junit.jupiter.api.Test;

class OutputGradientCheckTest {
    @Test
    void trustsTheClosedFormAndRejectsAScaledOrCorruptedGradient() {
        DjlRuntime.prepare();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.randomNormal(new Shape(6, 11));
            NDArray targets = m.create(new long[]{0, 3, 10, 2, 2, 7});
            NDArray weights = m.create(new float[]{0.5f, 0.5f, 1f / 3, 1f / 3, 1f / 3, 0f});
            NDArray exact = logits.softmax(1).sub(targets.oneHot(11).toType(logits.getDataType(), false))
                    .mul(weights.expandDims(1));
            NDArray nll = logits.logSoftmax(1).neg().gather(targets.reshape(-1, 1), 1).reshape(-1);
            assertDoesNotThrow(() -> BatchedGradientNorms.checkOutputGradient(nll, exact, targets, weights));
            assertThrows(BatchedGradientNorms.UntrustedBackwardException.class,
                    () -> BatchedGradientNorms.checkOutputGradient(nll, exact.mul(1.6e9f), targets, weights));
            NDArray corrupted = exact.duplicate();
            corrupted.set(new ai.djl.ndarray.index.NDIndex("1, 3"), 0.9f);
            assertThrows(BatchedGradientNorms.UntrustedBackwardException.class,
                    () -> BatchedGradientNorms.checkOutputGradient(nll, corrupted, targets, weights));
        }
    }
}
