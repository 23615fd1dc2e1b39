package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.ClusterWatch;
import dev.ballast.streams.kafka.EmbeddedKafka;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The cluster watch against a real broker: the gauge reads 1 while the broker answers and drops
 * to 0 once it is gone (the broker's outage itself, and its end, are {@code ClusterOutageTest}'s
 * and the README's measurement: a broker in a process of its own cannot be restarted here).
 */
class ClusterWatchTest {
    @Test
    void theGaugeFollowsTheBroker() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EmbeddedKafka kafka = EmbeddedKafka.start();
        BallastConfig config = BallastConfig.defaults().with("bootstrap.servers", kafka.bootstrapServers());
        try (ClusterWatch watch = ClusterWatch.start(config, "test", registry, Duration.ofMillis(500),
                Duration.ofSeconds(1))) {
            Gauge reachable = registry.get("ballast.cluster.reachable").gauge();
            awaitValue(reachable, 1.0, Duration.ofSeconds(10));
            kafka.close();
            awaitValue(reachable, 0.0, Duration.ofSeconds(20));
        } finally {
            kafka.close();
        }
        assertNull(registry.find("ballast.cluster.reachable").gauge(), "removed when the watch closes");
    }

    private static void awaitValue(Gauge gauge, double expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (gauge.value() != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(expected, gauge.value(), "ballast_cluster_reachable within " + timeout.toSeconds() + " s");
    }
}
