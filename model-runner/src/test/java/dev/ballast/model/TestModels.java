package dev.ballast.model;

import java.nio.file.Path;

/** The model store tests share, so the built-in model is trained once per machine, not per test. */
public final class TestModels {
    private TestModels() {
    }

    public static ModelStore store() {
        return new ModelStore(Path.of(System.getProperty("java.io.tmpdir"), "ballast-models"));
    }
}
