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
 * Windows line endings, blank lines and a line over the largest record limit among valid lines. The
 * replay finishes; each bad line is dead-lettered once with its reason, and every valid line is judged.
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
        String valid = "\"eventId\":\"%s\",\"agentId\":\"agent-0001\",\"timestamp\":\"2026-01-05T10:00:00Z\"";
        List<String> refused = List.of(
                "{" + valid.formatted("deep") + ",\"ctx\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}",
                "{" + valid.formatted("huge-number") + ",\"reward\":" + "7".repeat(10_000) + "}",
                "{" + valid.formatted("infinite") + ",\"reward\":1e400}",
                "{" + valid.formatted("duplicate") + ",\"agentId\":\"agent-0002\"}",
                "{" + valid.formatted("too-large") + ",\"note\":\"" + "x".repeat(2 * 1_048_576) + "\"}",
                "{" + valid.formatted("truncated"),
                "{" + valid.formatted("half-pair") + ",\"prompt\":\"\\ud800\"}",
                "{" + valid.formatted("fractional-round") + ",\"round\":2.7}",
                "{" + valid.formatted("reward-as-text") + ",\"reward\":\"12.5\"}",
                "{" + valid.formatted("verdict-as-number") + ",\"labels\":{\"violation\":1}}",
                "{\"eventId\":\"far-future\",\"agentId\":\"agent-0001\",\"timestamp\":\"9999-12-31T23:59:59Z\"}",
                // Under max.record.bytes, but as a record key beside its line too large to send.
                "{\"eventId\":\"long-id\",\"agentId\":\"" + "a".repeat(700_000) + "\",\"timestamp\":\"2026-01-05T10:00:00Z\"}");
        for (String line : refused) {
            hostile.write(bytes(line + "\n"));
        }
        // Longer than the largest max.record.bytes: replay holds only its first bytes, never the
        // whole line (one of gigabytes, a log whose newlines were lost, would not fit in a heap).
        byte[] endlessHead = bytes("{" + valid.formatted("endless") + ",\"note\":\"");
        int endless = BallastConfig.MAX_RECORD_BYTES_CEILING + 1_048_576;
        byte[] endlessLine = new byte[endless];
        java.util.Arrays.fill(endlessLine, (byte) 'x');
        System.arraycopy(endlessHead, 0, endlessLine, 0, endlessHead.length);
        endlessLine[endless - 2] = '"';
        endlessLine[endless - 1] = '}';
        hostile.write(endlessLine);
        hostile.write('\n');
        Files.write(interactions, hostile.toByteArray());

        Path policies = dir.resolve(ReplayInputs.POLICIES);
        long plantedPolicies = scenario.truth().policies().stream().filter(p -> !p.valid()).count();
        String head = "{\"policyId\":\"hostile\",\"version\":%d,\"effectiveAt\":\"2026-01-01T00:00:00Z\",\"rules\":[%s]}";
        String rule = "{\"id\":\"r%d\",\"severity\":\"high\",\"description\":\"d\",\"when\":{\"responseMatch\":\"%s\"}}";
        List<String> badPolicies = List.of(
                head.formatted(1, rule.formatted(1, "(unclosed")),
                head.formatted(2, rule.formatted(1, "a".repeat(5_000))),
                head.formatted(3, java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> rule.formatted(i, "x"))
                        .collect(java.util.stream.Collectors.joining(","))),
                head.formatted(4, rule.formatted(1, "x")).replace("\"version\"", "\"policyId\":\"again\",\"version\""),
                head.formatted(5, rule.formatted(1, "x")).replace("\"rules\"", "\"rulez\""),
                "{\"policyId\":\"hostile\",\"version\":" + "9".repeat(500) + "}",
                head.formatted(7, rule.formatted(1, "x")).replace("\"version\":7", "\"version\":7.5")
                        .replace("responseMatch\"", "responseMatches\""),
                "{\"policyId\":\"hostile\",\"version\":6,\"rules\":" + "[".repeat(10_000),
                head.formatted(8, rule.formatted(1, "x".repeat(2 * 1_048_576))));
        Files.write(policies, (Files.readString(policies) + String.join("\n", badPolicies) + "\n")
                .getBytes(StandardCharsets.UTF_8));

        BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
        ReplayRunner.Result result = new ReplayRunner(BallastConfig.defaults(),
                new PrintStream(OutputStream.nullOutputStream())).run(ReplayInputs.read(dir), metrics);

        List<DeadLetterLine> fromInteractions = result.deadLetters().stream()
                .filter(d -> "agent.interactions".equals(d.sourceTopic())).toList();
        assertEquals(planted + 3 + refused.size(), fromInteractions.size(), fromInteractions.toString());
        for (String id : List.of("bad-utf8", "nul", "deep", "huge-number", "infinite", "duplicate", "too-large", "truncated",
                "half-pair", "far-future", "fractional-round", "reward-as-text", "verdict-as-number", "long-id",
                "endless")) {
            assertEquals(1, fromInteractions.stream().filter(d -> d.value().contains("\"" + id + "\"")).count(), id);
        }
        assertReason(fromInteractions, "bad-utf8", "UTF-8");
        assertReason(fromInteractions, "deep", "nested deeper than 64 levels");
        assertReason(fromInteractions, "huge-number", "number longer than 100 characters");
        assertReason(fromInteractions, "infinite", "reward: must be a finite number");
        assertReason(fromInteractions, "duplicate", "duplicate field 'agentId'");
        assertReason(fromInteractions, "too-large", "more than max.record.bytes");
        assertReason(fromInteractions, "endless", "value: " + endless + " bytes, more than max.record.bytes");
        assertReason(fromInteractions, "far-future", "after its record's time");
        assertReason(fromInteractions, "half-pair", "half a UTF-16 surrogate pair");
        assertReason(fromInteractions, "fractional-round", "round: expected a whole number (got '2.7')");
        assertReason(fromInteractions, "reward-as-text", "reward: expected a number (got text)");
        assertReason(fromInteractions, "verdict-as-number", "labels.violation: expected true or false (got '1')");
        assertReason(fromInteractions, "long-id", "agentId: longer than 1024 characters (got 700000)");
        assertEquals(4L * 100, result.summary().interactions(), "every valid line judged");

        List<DeadLetterLine> fromPolicies = result.deadLetters().stream()
                .filter(d -> "policy.changes".equals(d.sourceTopic())).toList();
        assertEquals(plantedPolicies + badPolicies.size(), fromPolicies.size(), fromPolicies.toString());
        for (String line : badPolicies) {
            String start = line.substring(0, Math.min(line.length(), 200));
            assertEquals(1, fromPolicies.stream().filter(d -> d.value().startsWith(start)).count(), start);
        }
        assertEquals(fromPolicies.size(), result.summary().policyRecordsRejected());
        assertEquals(fromPolicies.size(), metrics.registry().get("ballast.policy.versions.rejected").counter().count(),
                "counted by the intake and, too large to send, by replay");
        assertTrue(result.summary().alerts() > 0, "the valid policy versions stayed in force and judged");
    }

    private static void assertReason(List<DeadLetterLine> letters, String eventId, String reason) {
        DeadLetterLine letter = letters.stream().filter(d -> d.value().contains("\"" + eventId + "\"")).findFirst().orElseThrow();
        assertTrue(letter.error().contains(reason), eventId + ": " + letter.error());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
