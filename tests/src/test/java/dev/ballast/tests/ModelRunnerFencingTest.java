package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Candidate;
import dev.ballast.events.EventJson;
import dev.ballast.model.service.ScoringService;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.TopicAdmin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Two model-runners started with one {@code model.transactional.id} (a second replica of the same
 * settings, say): the newer fences the older, which must stop saying what to change rather than
 * with Kafka's words alone, while the newer goes on scoring.
 */
class ModelRunnerFencingTest {

    @Test
    void aModelRunnerFencedByAnotherWithItsTransactionalIdStopsNamingTheSetting() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            BallastConfig config = BallastConfig.defaults().with("bootstrap.servers", kafka.bootstrapServers())
                    .with("topic.gate.partitions", "1");
            TopicAdmin.ensure(config);
            ScoringService.prepareModel(config.scoringSettings(), line -> { });
            try (ScoringService first = new ScoringService(config.scoringSettings(), new SimpleMeterRegistry());
                 KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                first.start(Duration.ofMinutes(5));
                try (ScoringService second = new ScoringService(config.scoringSettings(), new SimpleMeterRegistry())) {
                    second.start(Duration.ofMinutes(5));
                    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                    int sent = 0;
                    // The single partition is the first's until the group rebalances; whichever holds it,
                    // the first is fenced the next time it commits a batch.
                    while (first.failure() == null && System.nanoTime() < deadline) {
                        Candidate c = new Candidate("c-" + sent++, "ops", "How long is the shift?", "About eight hours.",
                                "test", Instant.parse("2026-01-05T00:00:00Z"));
                        producer.send(new ProducerRecord<>(config.topics().candidates(), c.sampleId(), EventJson.write(c)));
                        Thread.sleep(100);
                    }
                    assertNotNull(first.failure(), "the fenced model-runner stops");
                    String message = first.failure().getMessage();
                    assertTrue(message.contains("model.transactional.id " + config.modelRunner().transactionalId())
                            && message.contains("BALLAST_MODEL_TRANSACTIONAL_ID"), message);
                    assertNull(second.failure(), "the newer one goes on");
                    assertEquals(config.modelRunner().transactionalId(), config.scoringSettings().transactionalId());
                }
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer(String servers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
