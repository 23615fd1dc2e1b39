package dev.ballast.model;

/**
 * The model cannot be prepared as configured (no GPU for {@code model.device=gpu}, a
 * {@code model.class} that is missing or fails to load, a model directory without a version):
 * an expected failure whose message says what to fix, so callers report it without a stack trace.
 */
public final class ModelSetupException extends RuntimeException {
    public ModelSetupException(String message) {
        super(message);
    }

    public ModelSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
