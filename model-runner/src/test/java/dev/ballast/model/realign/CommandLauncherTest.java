package dev.ballast.model.realign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.EventJson;
import dev.ballast.events.RealignJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLauncherTest {
    private static JobSpec spec(String jobId, String policyVersion) {
        return new JobSpec(new RealignJob(jobId, "TRIAGE_CONFLICTS", List.of(), policyVersion, "current",
                Map.of(), Map.of(), Instant.EPOCH), "localhost:9092", "realign.status", "/models",
                RealignSettings.DEFAULT);
    }

    private static final JobData NO_DATA = new JobData(List.of(), Map.of());

    @Test
    void aHarmlessCommandGetsTheSpecFileAndItsExitCodeDecides(@TempDir Path work) throws Exception {
        // cp {spec} {result}: the "result" is then the spec itself, which reads as a JobResult of false.
        CommandLauncher copy = new CommandLauncher(List.of("cp", "{spec}", "{result}"), work, Duration.ofSeconds(30));
        JobResult copied = copy.run(spec("job-1", "care@2"), NO_DATA, (m, line) -> { });
        assertFalse(copied.succeeded(), "a result file is the command's own verdict");
        try (var files = Files.list(work)) {
            Path specFile = files.filter(f -> f.toString().endsWith(".json") && !f.toString().contains("result"))
                    .findFirst().orElseThrow();
            JobSpec written = EventJson.LENIENT.readValue(specFile.toFile(), JobSpec.class);
            assertEquals("job-1", written.job().jobId());
        }
        assertTrue(new CommandLauncher(List.of("true"), work, Duration.ofSeconds(30))
                .run(spec("job-2", "care@2"), NO_DATA, (m, line) -> { }).succeeded());
        JobResult failed = new CommandLauncher(List.of("ls", "/no/such/path/for/ballast"), work,
                Duration.ofSeconds(30)).run(spec("job-3", "care@2"), NO_DATA, (m, line) -> { });
        assertFalse(failed.succeeded());
        assertTrue(failed.error().startsWith("command exited with 2"), failed.error());
    }

    @Test
    void eventTextNeverReachesAShellOrTheCommandLine(@TempDir Path work) throws Exception {
        Path marker = work.resolve("pwned");
        String hostile = "x; touch " + marker + " $(touch " + marker + ") `touch " + marker + "` | touch " + marker;
        CommandLauncher echo = new CommandLauncher(List.of("echo", "{spec}", "literal {spec} stays"), work,
                Duration.ofSeconds(30));
        List<String> lines = new ArrayList<>();
        JobResult result = echo.run(spec(hostile, hostile), NO_DATA, (m, line) -> lines.add(line));
        assertTrue(result.succeeded());
        assertFalse(Files.exists(marker), "no shell ran the event's text");
        try (var files = Files.list(work)) {
            Path log = files.filter(f -> f.toString().endsWith(".log")).findFirst().orElseThrow();
            String output = Files.readString(log).strip();
            // echo printed exactly its argv: the spec path (a random name) and the untouched literal.
            assertTrue(output.matches(".*/job-[0-9a-f-]{36}\\.json literal \\{spec\\} stays"), output);
            assertFalse(output.contains("touch"), output);
        }
        List<String> argv = echo.argv(Path.of("/s.json"), Path.of("/r.json"));
        assertEquals(List.of("echo", "/s.json", "literal {spec} stays"), argv);
    }
}
