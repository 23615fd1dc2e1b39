package dev.ballast.streams.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;

class MonitorLagTest {
    private final Map<MetricName, KafkaMetric> metrics = new LinkedHashMap<>();

    private void lag(String client, double value, String... partition) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("client-id", client);
        if (partition.length == 1) {
            tags.put("topic", "agent.interactions");
            tags.put("partition", partition[0]);
        }
        MetricName name = new MetricName("records-lag-max", "consumer-fetch-manager-metrics", "", tags);
        metrics.put(name, new KafkaMetric(new Object(), name, (config, now) -> value, new MetricConfig(), Time.SYSTEM));
    }

    @Test
    void theWorstStreamThreadConsumerCountsAndRestoringStateDoesNot() {
        assertTrue(Double.isNaN(MonitorLag.maxRecordsLag(metrics)), "nothing measured yet");
        lag("ballast-monitor-a1-StreamThread-1-consumer", Double.NaN);
        assertTrue(Double.isNaN(MonitorLag.maxRecordsLag(metrics)), "a consumer without samples yet");
        lag("ballast-monitor-a1-StreamThread-1-consumer", 120, "0");
        lag("ballast-monitor-a1-StreamThread-2-consumer", 4_500);
        lag("ballast-monitor-a1-StreamThread-1-restore-consumer", 9_000_000);
        lag("ballast-monitor-a1-StateUpdater-1-restore-consumer", 9_000_000, "3");
        assertEquals(4_500, MonitorLag.maxRecordsLag(metrics));
    }
}
