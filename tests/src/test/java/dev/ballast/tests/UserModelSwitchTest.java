package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.ballast.events.Candidate;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.ScoredCandidate;
import dev.ballast.events.TopicDrain;
import dev.ballast.model.ModelStore;
import dev.ballast.model.ScoringModel;
import dev.ballast.model.lm.TextSample;
import dev.ballast.model.scoring.SampleScore;
import dev.ballast.model.service.ScoringService;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.TopicAdmin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model of your own ({@code model.class}) may name itself otherwise than the directory it is
 * published in. The model-runner switches when {@code CURRENT} names another directory, and only
 * then: comparing the directory with the model's own name reopened such a model on every poll.
 */
class UserModelSwitchTest {

    /** Scores by response length; calls itself by what its directory's name.txt says. */
    public static final class NamedModel implements ScoringModel {
        private final String name;

        public NamedModel(Path dir, Device device) throws IOException {
            this.name = Files.readString(dir.resolve("name.txt")).trim();
        }

        @Override
        public String version() {
            return name;
        }

        @Override
        public List<SampleScore> score(List<TextSample> samples) {
            return samples.stream().map(s -> new SampleScore(s.response().length() / 100.0, 1.0)).toList();
        }

        @Override
        public void close() {
        }
    }

    /** Scores with a class whose jar was left off the classpath. */
    public static final class MissingJarModel implements ScoringModel {
        public MissingJarModel(Path dir, Device device) {
        }

        @Override
        public String version() {
            return "needs-a-tokenizer";
        }

        @Override
        public List<SampleScore> score(List<TextSample> samples) {
            throw new NoClassDefFoundError("com/example/Tokenizer");
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aModelMissingAJarStopsSayingWhichClassAndWhereJarsGo(@TempDir Path models) throws Exception {
        publish(new ModelStore(models), "v1", "unused");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            BallastConfig config = scoringWith(kafka, models, MissingJarModel.class);
            try (ScoringService scorer = new ScoringService(config.scoringSettings(), new SimpleMeterRegistry());
                 KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                scorer.start(Duration.ofMinutes(1));
                send(producer, config, "first-", 1);
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (scorer.failure() == null && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                String message = String.valueOf(scorer.failure() == null ? null : scorer.failure().getMessage());
                assertTrue(message.contains("NoClassDefFoundError: com/example/Tokenizer")
                        && message.contains("BALLAST_CLASSPATH"), message);
            }
        }
    }

    @Test
    void aModelNamedUnlikeItsDirectoryIsOpenedOnceAndSwitchedOnlyWhenAnotherIsPublished(@TempDir Path models)
            throws Exception {
        ModelStore store = new ModelStore(models);
        publish(store, "v1", "length-model-1");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            BallastConfig config = scoringWith(kafka, models, NamedModel.class);
            config.requireScoringModel();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (ScoringService scorer = new ScoringService(config.scoringSettings(), registry);
                 KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                scorer.start(Duration.ofMinutes(1));
                send(producer, config, "first-", 5);
                assertEquals(List.of("length-model-1"), modelsOf(config, 5, "first-"));
                // About ten polls came and went while the five were scored and read back.
                assertEquals(0.0, switches(registry, "switched"),
                        "no switch while CURRENT names the directory in use");

                publish(store, "v2", "length-model-2");
                send(producer, config, "second-", 5);
                assertEquals(List.of("length-model-2"), modelsOf(config, 5, "second-"));
                assertEquals(1.0, switches(registry, "switched"), "one switch, to v2");
            }
        }
    }

    /**
     * A {@code CURRENT} naming a version that cannot be opened (mistyped, or its directory not
     * copied yet) stopped every running model-runner. They go on scoring with the model they have,
     * count it, and switch to the next version that opens.
     */
    @Test
    void aPublishedVersionThatCannotBeOpenedLeavesTheModelInUse(@TempDir Path models) throws Exception {
        ModelStore store = new ModelStore(models);
        publish(store, "v1", "length-model-1");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            BallastConfig config = scoringWith(kafka, models, NamedModel.class);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (ScoringService scorer = new ScoringService(config.scoringSettings(), registry);
                 KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                scorer.start(Duration.ofMinutes(1));
                send(producer, config, "first-", 3);
                assertEquals(List.of("length-model-1"), modelsOf(config, 3, "first-"));

                // A directory still being copied (its model cannot be opened), then a name mistyped in CURRENT.
                Files.createDirectories(models.resolve("v2"));
                store.publish("v2");
                send(producer, config, "second-", 3);
                assertEquals(List.of("length-model-1"), modelsOf(config, 3, "second-"), "still scoring, with v1");
                Files.writeString(models.resolve("CURRENT"), "v2-typo\n");
                send(producer, config, "third-", 3);
                assertEquals(List.of("length-model-1"), modelsOf(config, 3, "third-"), "still scoring, with v1");
                assertNull(scorer.failure(), "the model-runner did not stop");
                assertEquals(2.0, switches(registry, "failed"), "each counted once, not on every poll");
                assertEquals(0.0, switches(registry, "switched"));

                publish(store, "v3", "length-model-3");
                send(producer, config, "fourth-", 3);
                assertEquals(List.of("length-model-3"), modelsOf(config, 3, "fourth-"));
                assertEquals(1.0, switches(registry, "switched"));
            }
        }
    }

    /** The configuration of a scorer on {@code kafka} with the model class {@code model}, its topics made. */
    private static BallastConfig scoringWith(EmbeddedKafka kafka, Path models, Class<? extends ScoringModel> model) {
        BallastConfig config = BallastConfig.defaults().with("bootstrap.servers", kafka.bootstrapServers())
                .with("model.dir", models.toString()).with("model.class", model.getName());
        TopicAdmin.ensure(config);
        return config;
    }

    private static double switches(SimpleMeterRegistry registry, String outcome) {
        return registry.get("ballast.model.switches").tag("outcome", outcome).counter().count();
    }

    private static void publish(ModelStore store, String version, String name) {
        store.write(version, dir -> Files.writeString(dir.resolve("name.txt"), name));
        store.publish(version);
    }

    private static void send(KafkaProducer<String, byte[]> producer, BallastConfig config, String prefix, int n)
            throws Exception {
        for (int i = 0; i < n; i++) {
            Candidate c = new Candidate(prefix + i, "ops", "How long is the shift?", "About eight hours.", "test",
                    Instant.parse("2026-01-05T00:00:00Z"));
            producer.send(new ProducerRecord<>(config.topics().candidates(), c.sampleId(), EventJson.write(c))).get();
        }
    }

    /** The model names on the scores of the {@code n} candidates whose ids start with {@code prefix}. */
    private static List<String> modelsOf(BallastConfig config, int n, String prefix) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            List<ScoredCandidate> scores = TopicDrain.read(config.bootstrapServers(), java.util.Map.of(),
                            config.topics().scored(), java.util.Map.of(), Duration.ofSeconds(10)).stream()
                    .map(r -> EventJson.readScoredCandidate(r.value()))
                    .filter(d -> d instanceof Decoded.Ok<ScoredCandidate>)
                    .map(d -> ((Decoded.Ok<ScoredCandidate>) d).value())
                    .filter(s -> s.sampleId().startsWith(prefix))
                    .toList();
            if (scores.size() >= n || System.nanoTime() > deadline) {
                assertEquals(n, scores.size(), "every candidate scored once");
                return scores.stream().map(ScoredCandidate::modelVersion).distinct().sorted().collect(Collectors.toList());
            }
            Thread.sleep(200);
        }
    }

    private static KafkaProducer<String, byte[]> producer(String servers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
