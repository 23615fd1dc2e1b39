package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.replay.ReplayInputs;
import dev.ballast.streams.replay.ReplayRunner;
import dev.ballast.streams.sim.CandidateSpec;
import dev.ballast.streams.sim.PreferenceSpec;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioFiles;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay streams its input from disk, so a log still being written can grow between the read
 * that checks it and the one that produces it: the replay says so, and produces what it read.
 */
class GrowingLogReplayTest {

    @Test
    void aLogThatGrewSinceItWasCheckedIsNamedAndReplayedAsRead(@TempDir Path dir) throws Exception {
        Scenario scenario = new Simulator(ScenarioSpec.defaults(3, 100, 11).withCandidates(CandidateSpec.NONE)
                .withPreferences(PreferenceSpec.NONE)).generate();
        ScenarioFiles.write(scenario, dir);
        ReplayInputs inputs = ReplayInputs.read(dir);
        long checked = inputs.files().get(ReplayInputs.INTERACTIONS).records();
        String late = "{\"eventId\":\"late-%d\",\"agentId\":\"agent-0001\",\"timestamp\":\"2026-03-01T00:00:0%dZ\","
                + "\"action\":{\"type\":\"tool_call\",\"name\":\"search\"}}\n";
        for (int i = 0; i < 3; i++) {
            Files.writeString(dir.resolve(ReplayInputs.INTERACTIONS), late.formatted(i, i), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ReplayRunner.Result result = new ReplayRunner(BallastConfig.defaults(),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run(inputs, new BallastMetrics(new SimpleMeterRegistry()));
        String said = log.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains(String.format("replay: interactions.jsonl changed while it was replayed (%,d records "
                + "when checked, %,d produced): replay a copy of a log that is still being written", checked, checked + 3)),
                said);
        assertEquals(checked + 3, result.summary().inputs().get(ReplayInputs.INTERACTIONS).records());
    }
}
