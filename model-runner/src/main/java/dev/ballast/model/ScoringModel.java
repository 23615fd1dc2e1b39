package dev.ballast.model;

import dev.ballast.model.lm.TextSample;
import dev.ballast.model.scoring.SampleScore;
import java.util.List;

/**
 * What the scoring service needs from a model: its version and, for a batch of samples, each
 * sample's loss and per-sample gradient norm. The built-in model implements it
 * ({@link BuiltinLm}); to score with your own, implement it in a class with a public constructor
 * taking {@code (java.nio.file.Path modelDir, ai.djl.Device device)} and name it in
 * {@code model.class} (see the README, "Bring your own model").
 */
public interface ScoringModel extends AutoCloseable {
    String version();

    /** Scores of {@code samples}, in order. */
    List<SampleScore> score(List<TextSample> samples);

    @Override
    void close();
}
