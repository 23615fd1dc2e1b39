package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ballast.events.Candidate;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.ScoredCandidate;
import dev.ballast.events.TopicDrain;
import dev.ballast.model.service.ScoringService;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.TopicAdmin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A scored topic made before Ballast sized it (here: 16 KiB per message) refuses the score of a
 * larger candidate. The model-runner must not abort and retry that batch for ever: it sends the
 * score again without the text its candidate carries (the gate pairs such a score by sampleId),
 * and scores every other candidate as before.
 */
class ScoreRefusedAsTooLargeTest {
    private static final int TOPIC_LIMIT = 16 * 1024;

    @Test
    void aScoreTooLargeForTheScoredTopicIsSentWithoutItsText() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            BallastConfig config = BallastConfig.defaults().with("bootstrap.servers", kafka.bootstrapServers());
            try (Admin admin = Admin.create(MonitorService.adminProps(config))) {
                admin.createTopics(List.of(new NewTopic(config.topics().scored(), Optional.of(config.topicPartitions()), Optional.empty())
                        .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(TOPIC_LIMIT)))))
                        .all().get();
            }
            TopicAdmin.ensure(config);
            Instant at = Instant.parse("2026-01-05T00:00:00Z");
            List<Candidate> candidates = List.of(
                    new Candidate("small-1", "ops", "How long is the shift?", "About eight hours.", "test", at),
                    new Candidate("large-1", "ops", "How long is the shift?", "About eight hours. ".repeat(2_000),
                            "test", at),
                    new Candidate("small-2", "ops", "What should I write?", "Apologise and offer a refund.", "test", at));
            try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                for (Candidate c : candidates) {
                    producer.send(new ProducerRecord<>(config.topics().candidates(), c.sampleId(), EventJson.write(c)))
                            .get();
                }
            }

            Map<String, ScoredCandidate> scores;
            ScoringService.prepareModel(config.scoringSettings(), line -> { });
            try (ScoringService scorer = new ScoringService(config.scoringSettings(), new SimpleMeterRegistry())) {
                scorer.start(Duration.ofMinutes(5));
                scores = awaitScores(config, candidates.size());
            }
            assertEquals(candidates.size(), scores.size(), "one score per candidate: " + scores.keySet());
            ScoredCandidate large = scores.get("large-1");
            assertNotNull(large.gradNorm(), "scored: " + large);
            assertNull(large.prompt(), "sent without its text");
            assertNull(large.response());
            assertEquals(candidates.get(1).datasetId(), large.datasetId());
            for (String id : List.of("small-1", "small-2")) {
                assertNotNull(scores.get(id).gradNorm(), id);
                assertNotNull(scores.get(id).response(), id + " keeps its text, as the contract has it");
            }
        }
    }

    private static Map<String, ScoredCandidate> awaitScores(BallastConfig config, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            Map<String, ScoredCandidate> scores = TopicDrain.read(config.bootstrapServers(), Map.of(),
                            config.topics().scored(), Map.of(), Duration.ofSeconds(30)).stream()
                    .map(r -> EventJson.readScoredCandidate(r.value()))
                    .filter(d -> d instanceof Decoded.Ok<ScoredCandidate>)
                    .map(d -> ((Decoded.Ok<ScoredCandidate>) d).value())
                    .collect(Collectors.toMap(ScoredCandidate::sampleId, s -> s, (a, b) -> b));
            if (scores.size() >= expected || System.nanoTime() > deadline) {
                return scores;
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
