package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.replay.DeadLetterLine;
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
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay whose interactions file holds bytes no JSON reader accepts: invalid UTF-8, a NUL byte,
 * Windows line endings and blank lines among valid lines. The replay finishes; each bad line is
 * dead-lettered once with its reason, and every valid line is judged.
 */
class HostileInputReplayTest {

    @Test
    void badBytesAreDeadLetteredAndTheRestIsProcessed(@TempDir Path dir) throws Exception {
        Scenario scenario = new Simulator(ScenarioSpec.defaults(4, 100, 9).withCandidates(CandidateSpec.NONE)
                .withPreferences(PreferenceSpec.NONE)).generate();
        ScenarioFiles.write(scenario, dir);
        Path interactions = dir.resolve(ReplayInputs.INTERACTIONS);
        int planted = scenario.truth().malformedLines().size();
        ByteArrayOutputStream hostile = new ByteArrayOutputStream();
        hostile.write(Files.readAllBytes(interactions));
        hostile.write(bytes("{\"eventId\":\"bad-utf8\",\"agentId\":\"agent-0001\",\"note\":\""));
        hostile.write(new byte[]{(byte) 0xff, (byte) 0xfe, (byte) 0xc3});
        hostile.write(bytes("\"}\n"));
        hostile.write(bytes("{\"eventId\":\"nul\",\"agentId\":\"agent-0001\",\"note\":\"a\u0000b\"}\r\n"));
        hostile.write(bytes("\n   \n\r\n"));
        Files.write(interactions, hostile.toByteArray());

        BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
        ReplayRunner.Result result = new ReplayRunner(BallastConfig.defaults(),
                new PrintStream(OutputStream.nullOutputStream())).run(ReplayInputs.read(dir), metrics);

        List<DeadLetterLine> fromInteractions = result.deadLetters().stream()
                .filter(d -> "agent.interactions".equals(d.sourceTopic())).toList();
        assertEquals(planted + 2, fromInteractions.size(), fromInteractions.toString());
        assertEquals(1, fromInteractions.stream().filter(d -> d.value().contains("bad-utf8")).count());
        assertEquals(1, fromInteractions.stream().filter(d -> d.value().contains("\"nul\"")).count());
        assertTrue(fromInteractions.stream().filter(d -> d.value().contains("bad-utf8"))
                .allMatch(d -> d.error().contains("UTF-8")), "the reason names the encoding");
        assertEquals(4L * 100, result.summary().interactions(), "every valid line judged");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
