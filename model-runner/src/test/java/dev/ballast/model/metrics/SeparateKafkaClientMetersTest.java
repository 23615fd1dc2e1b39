package dev.ballast.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;

class SeparateKafkaClientMetersTest {
    private static final String LAG = "kafka.consumer.fetch.manager.records.lag.max";

    /** A consumer that, like a real one once assigned, reports records-lag-max per partition. */
    private static MockConsumer<byte[], byte[]> assignedConsumer() {
        Map<MetricName, KafkaMetric> metrics = new LinkedHashMap<>();
        MetricName version = new MetricName("version", "app-info", "", Map.of("client-id", "executor"));
        metrics.put(version, new KafkaMetric(new Object(), version, (config, now) -> "4.3.1", new MetricConfig(), Time.SYSTEM));
        MetricName lag = new MetricName("records-lag-max", "consumer-fetch-manager-metrics", "",
                Map.of("client-id", "executor", "topic", "realign.jobs", "partition", "0"));
        metrics.put(lag, new KafkaMetric(new Object(), lag, new Value(), new MetricConfig(), Time.SYSTEM));
        return new MockConsumer<>("earliest") {
            @Override
            public synchronized Map<MetricName, ? extends Metric> metrics() {
                return metrics;
            }
        };
    }

    /** The monitor's consumer-level lag series, as another binder registered it. */
    private static void monitorLag(MeterRegistry registry) {
        Gauge.builder(LAG, () -> 7.0).tags("client.id", "ballast-monitor-StreamThread-1-consumer", "kafka.version", "4.3.1")
                .register(registry);
    }

    @Test
    void bindingAnotherClientDirectlyRemovesTheMonitorsLagSeries() {
        MeterRegistry registry = new SimpleMeterRegistry();
        monitorLag(registry);
        try (KafkaClientMetrics direct = new KafkaClientMetrics(assignedConsumer())) {
            direct.bindTo(registry);
            assertNull(registry.find(LAG).tag("client.id", "ballast-monitor-StreamThread-1-consumer").gauge(),
                    "Micrometer's Kafka binder removes same-named meters with fewer tags, whoever made them");
        }
    }

    @Test
    void aSeparatelyBoundClientLeavesOtherMetersAloneAndRemovesOnlyItsOwn() {
        MeterRegistry registry = new SimpleMeterRegistry();
        monitorLag(registry);
        try (SeparateKafkaClientMeters meters = SeparateKafkaClientMeters.of(assignedConsumer(), "ballast.realign", registry)) {
            assertNotNull(registry.find(LAG).tag("client.id", "ballast-monitor-StreamThread-1-consumer").gauge());
            assertNotNull(registry.find("ballast.realign." + LAG).tag("topic", "realign.jobs").gauge(),
                    "the executor's own lag, under its prefix");
        }
        assertNull(registry.find("ballast.realign." + LAG).gauge(), "closed: its meters are gone");
        assertEquals(7.0, registry.get(LAG).gauge().value());
    }
}
