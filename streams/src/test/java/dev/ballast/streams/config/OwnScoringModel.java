package dev.ballast.streams.config;

import ai.djl.Device;
import dev.ballast.model.ScoringModel;
import dev.ballast.model.lm.TextSample;
import dev.ballast.model.scoring.SampleScore;
import java.nio.file.Path;
import java.util.List;

/** A scoring model of the user's own, as {@code model.class} names one; it scores nothing. */
public final class OwnScoringModel implements ScoringModel {
    public OwnScoringModel(Path versionDir, Device device) {
    }

    @Override
    public String version() {
        return "own";
    }

    @Override
    public List<SampleScore> score(List<TextSample> samples) {
        return List.of();
    }

    @Override
    public void close() {
    }
}
