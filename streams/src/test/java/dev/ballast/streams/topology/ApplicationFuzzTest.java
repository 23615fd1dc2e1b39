package dev.ballast.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.ballast.events.Alert;
import dev.ballast.events.Candidate;
import dev.ballast.events.DeadLetterHeaders;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import dev.ballast.events.PreferencePair;
import dev.ballast.events.ScoredCandidate;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.RecentEventIds;
import dev.ballast.streams.gate.PendingSample;
import dev.ballast.streams.gate.SamplePairing;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.PolicyDecoder;
import dev.ballast.streams.policy.PolicyCompiler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The whole application (monitor, groups, gate, triage, trigger) fed arbitrary records on every
 * topic users write to: random bytes, and JSON objects of each event's fields holding values of
 * any type, including edge values that are valid JSON and valid shapes (timestamps at the ends of
 * the calendar, huge and tiny numbers, absent nested fields). The stream never throws, every
 * record its topic's reader refuses, every interaction repeating one of its agent's latest event
 * ids, every candidate repeating a sampleId in the gate and every pair re-sent unchanged, is
 * dead-lettered exactly once with a reason, and nothing else is.
 */
class ApplicationFuzzTest {
    private final BallastConfig config = BallastConfig.defaults();
    private TopologyTestDriver driver;
    private Map<String, TestInputTopic<byte[], byte[]>> inputs;
    private TestOutputTopic<byte[], byte[]> dlq;
    private TestOutputTopic<String, Alert> alerts;
    private Map<String, Function<byte[], Decoded<?>>> readers;
    /** Each agent's latest event ids, as the monitor keeps them: the driver lives for the whole property. */
    private final Map<String, RecentEventIds> recentIds = new HashMap<>();
    /** The gate's pairing state per sampleId (every record has the same time, so nothing expires). */
    private final Map<String, PendingSample> pending = new HashMap<>();
    private final SamplePairing pairing = new SamplePairing(Duration.ofMillis(config.gateScoreTimeoutMs()),
            Duration.ofMillis(config.gateRepeatWindowMs()));
    /** The pairs triage holds, by pairId. */
    private final Map<String, PreferencePair> pairs = new HashMap<>();

    /** One record for one input topic. */
    record Input(String topic, byte[] key, byte[] value) {
        @Override
        public String toString() {
            return topic + " <- " + (value == null ? "null" : new String(value, 0, Math.min(value.length, 300),
                    StandardCharsets.UTF_8));
        }
    }

    @BeforeProperty
    void start() {
        BallastConfig.TopicNames t = config.topics();
        driver = ApplicationDriver.start(config, "application-fuzz", new BallastMetrics(new SimpleMeterRegistry()));
        inputs = List.of(t.interactions(), t.policies(), t.candidates(), t.scored(), t.preferences()).stream()
                .collect(Collectors.toMap(topic -> topic, topic -> ApplicationDriver.rawInput(driver, topic)));
        dlq = ApplicationDriver.rawOutput(driver, t.dlq());
        alerts = ApplicationDriver.jsonOutput(driver, t.alerts(), Alert.class);
        PolicyDecoder policies = new PolicyDecoder(new PolicyCompiler(config.policyLimits()));
        readers = Map.of(t.interactions(), EventJson::readInteraction, t.policies(), policies::apply,
                t.candidates(), EventJson::readCandidate, t.scored(), EventJson::readScoredCandidate,
                t.preferences(), EventJson::readPreferencePair);
    }

    @AfterProperty
    void stop() {
        driver.close();
    }

    @Property(tries = 400)
    void noRecordStopsTheStreamAndEveryRefusedOneIsDeadLetteredOnce(@ForAll("records") List<Input> records) {
        long refused = 0;
        for (Input in : records) {
            inputs.get(in.topic()).pipeInput(in.key(), in.value());
            Decoded<?> read = readers.get(in.topic()).apply(in.value());
            if (read instanceof Decoded.Rejected<?> || read instanceof Decoded.Ok<?> ok && repeats(ok.value())) {
                refused++;
            }
        }
        List<TestRecord<byte[], byte[]>> letters = dlq.readRecordsToList();
        assertEquals(refused, letters.size(), () -> records.toString());
        for (TestRecord<byte[], byte[]> letter : letters) {
            assertNotNull(letter.headers().lastHeader(DeadLetterHeaders.ERROR), "a dead letter says why");
        }
        alerts.readRecordsToList();
    }

    /** Whether a readable record repeats one the application holds, as its processors judge it. */
    private boolean repeats(Object event) {
        if (event instanceof Interaction i) {
            return !recentIds.computeIfAbsent(i.agentId(), a -> new RecentEventIds()).add(i.eventId(),
                    i.timestamp().toEpochMilli());
        }
        if (event instanceof PreferencePair p) {
            return p.equals(pairs.put(p.pairId(), p));
        }
        SamplePairing.Step step;
        if (event instanceof Candidate c) {
            step = pairing.onCandidate(pending.get(c.sampleId()), c, 0);
        } else if (event instanceof ScoredCandidate sc) {
            step = pairing.onScore(pending.get(sc.sampleId()), sc, 0);
        } else {
            return false;
        }
        String id = event instanceof Candidate c ? c.sampleId() : ((ScoredCandidate) event).sampleId();
        if (step.store() == null) {
            pending.remove(id);
        } else {
            pending.put(id, step.store());
        }
        return step instanceof SamplePairing.Reject;
    }

    @Provide
    Arbitrary<List<Input>> records() {
        BallastConfig.TopicNames t = config.topics();
        Arbitrary<String> action = object(Map.of("type", ids(), "name", ids(), "content", text()));
        Arbitrary<String> labels = object(Map.of("violation", Arbitraries.of("true", "false", "null", "1"),
                "category", ids(), "judge", text()));
        Arbitrary<String> interaction = object(Map.ofEntries(Map.entry("eventId", ids()), Map.entry("agentId", ids()),
                Map.entry("groupId", ids()), Map.entry("timestamp", timestamps()), Map.entry("round", numbers()),
                Map.entry("prompt", text()), Map.entry("response", text()), Map.entry("action", action),
                Map.entry("reward", numbers()), Map.entry("observedAgents", ids().list().ofMaxSize(4)
                        .map(l -> "[" + String.join(",", l) + "]")),
                Map.entry("labels", labels), Map.entry("policyVersion", ids())));
        Arbitrary<String> when = object(Map.of("actionTypes", idList(), "actionNames", idList(),
                "responseMatches", patterns(), "contentMatches", patterns(), "categoryIn", idList(),
                "labelViolation", Arbitraries.of("true", "false")));
        Arbitrary<String> rule = object(Map.of("id", ids(), "severity", Arbitraries.of("\"high\"", "\"low\"", "\"x\""),
                "description", text(), "when", when));
        Arbitrary<String> policy = object(Map.of("policyId", Arbitraries.of("\"p\"", "\"q\""),
                "version", Arbitraries.of("1", "2", "3", "0", "-1", "2147483648", "1.5"),
                "effectiveAt", timestamps(), "rules", rule.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]")));
        Arbitrary<String> candidate = object(Map.of("sampleId", ids(), "datasetId", ids(), "prompt", text(),
                "response", text(), "source", text(), "timestamp", timestamps()));
        Arbitrary<String> scored = object(Map.of("sampleId", ids(), "datasetId", ids(), "prompt", text(),
                "response", text(), "timestamp", timestamps(), "gradNorm", numbers(), "loss", numbers(),
                "modelVersion", ids(), "scoreError", text()));
        Arbitrary<String> pair = object(Map.of("pairId", ids(), "datasetId", ids(), "prompt", text(),
                "chosen", text(), "rejected", text()));
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Input> one = Arbitraries.oneOf(
                input(t.interactions(), interaction, noise), input(t.interactions(), interaction, noise),
                input(t.interactions(), interaction, noise), input(t.policies(), policy, noise),
                input(t.candidates(), candidate, noise), input(t.scored(), scored, noise),
                input(t.preferences(), pair, noise));
        return one.list().ofMinSize(1).ofMaxSize(25);
    }

    private static Arbitrary<Input> input(String topic, Arbitrary<String> json, Arbitrary<byte[]> noise) {
        Arbitrary<byte[]> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, json.map(s -> s.getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(1, noise),
                net.jqwik.api.Tuple.of(1, json.map(s -> s.substring(0, s.length() / 2).getBytes(StandardCharsets.UTF_8))));
        Arbitrary<byte[]> key = Arbitraries.of("a1", "p", "", "\u0000").map(k -> k.getBytes(StandardCharsets.UTF_8))
                .injectNull(0.3);
        return Combinators.combine(key, value).as((k, v) -> new Input(topic, k, v));
    }

    /** A JSON object with each field present (with any of its values) or absent. */
    private static Arbitrary<String> object(Map<String, Arbitrary<String>> fields) {
        List<Arbitrary<String>> members = fields.entrySet().stream()
                .map(e -> e.getValue().map(v -> EventJson.writeString(e.getKey()) + ":" + v).injectNull(0.1))
                .toList();
        return Combinators.combine(members).as(parts -> parts.stream().filter(p -> p != null)
                .collect(Collectors.joining(",", "{", "}")));
    }

    private static Arbitrary<String> ids() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of("\"a1\"", "\"a2\"", "\"g1\"", "\"x\"")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("\"\"", "\" \"", "null", "7", "[]", "{}", "\"\\u0000\"")),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(30).map(EventJson::writeString)));
    }

    private static Arbitrary<String> idList() {
        return ids().list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
    }

    private static Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(80).map(EventJson::writeString),
                Arbitraries.of("\"x\"", "\"\"", "null", "1", "[\"a\"]", "{\"a\":1}"));
    }

    private static Arbitrary<String> numbers() {
        return Arbitraries.oneOf(Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("1", "0", "-0", "1e308", "-1e308", "4.9e-324", "9223372036854775807",
                        "9223372036854775808", "-9223372036854775809", "1e400", "null", "\"1\"", "true"));
    }

    private static Arbitrary<String> timestamps() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 10_000)
                        .map(i -> "\"" + java.time.Instant.parse("2026-01-05T10:00:00Z").plusSeconds(60L * i) + "\"")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("\"+999999999-12-31T23:59:59.999999999Z\"",
                        "\"-999999999-01-01T00:00:00Z\"", "\"1969-12-31T23:59:59Z\"", "\"0000-01-01T00:00:00Z\"",
                        "\"1970-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59-18:00\"", "\"2026-01-05T10:00:00+18:00\"",
                        "\"2026-02-30T10:00:00Z\"", "\"2026-01-05T10:00:00\"", "0", "null", "\"\"")));
    }

    private static Arbitrary<String> patterns() {
        return Arbitraries.of("\"x\"", "\"(a+)+$\"", "\"(\"", "\"\"", "null", "\"a{1000}\"", "\"\\\\C\"", "1");
    }
}
