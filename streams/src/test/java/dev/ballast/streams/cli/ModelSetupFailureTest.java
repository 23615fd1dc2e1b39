package dev.ballast.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.config.OwnScoringModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model that cannot be prepared as configured is one line saying what to fix, exit 1, no stack trace. */
class ModelSetupFailureTest {

    /** The class is there (start-up checks that) but model.dir holds no version of it. */
    @Test
    void aModelClassWithoutAPublishedVersionIsOneLine(@TempDir Path dir) throws Exception {
        Path input = Files.createDirectories(dir.resolve("in"));
        Files.writeString(input.resolve("candidates.jsonl"),
                "{\"sampleId\":\"s1\",\"datasetId\":\"d\",\"prompt\":\"p\",\"response\":\"r\"}\n");
        Path models = Files.createDirectories(dir.resolve("models"));
        Path config = dir.resolve("ballast.properties");
        Files.writeString(config, "model.dir=" + models + "\nmodel.class=" + OwnScoringModel.class.getName()
                + "\nstate.dir=" + dir.resolve("state") + "\n");
        StringWriter err = new StringWriter();
        int exit = BallastCli.commandLine().setErr(new PrintWriter(err, true)).setOut(new PrintWriter(new StringWriter()))
                .execute("replay", "--input", input.toString(), "--out", dir.resolve("out").toString(), "--config",
                        config.toString());
        assertEquals(1, exit, err.toString());
        List<String> lines = err.toString().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + err);
        assertTrue(lines.get(0).startsWith("error: model.class is " + OwnScoringModel.class.getName() + " but " + models
                + " has no published version"), lines.get(0));
    }
}
