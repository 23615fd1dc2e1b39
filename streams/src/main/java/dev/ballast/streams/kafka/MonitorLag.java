package dev.ballast.streams.kafka;

import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * How far the monitor's stream threads are behind their input, read straight from the Kafka
 * Streams client's metrics: the largest {@code records-lag-max} of any stream-thread consumer
 * (restore consumers rebuild state and do not count). Ballast exports it as a gauge of its own
 * because Micrometer's Kafka binder registers client meters in waves, every 60 s, and drops a
 * client-level series once any client's per-partition variant of that meter appears; a lag alert
 * built on those series can find nothing to read exactly when it matters.
 */
public final class MonitorLag {
    private static final Pattern STREAM_THREAD_CONSUMER = Pattern.compile(".*-StreamThread-\\d+-consumer");

    private MonitorLag() {
    }

    /** Records behind on the worst partition, or NaN while no consumer has measured any. */
    public static double maxRecordsLag(Map<MetricName, ? extends Metric> metrics) {
        double max = Double.NaN;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName name = e.getKey();
            if (!"records-lag-max".equals(name.name()) || !"consumer-fetch-manager-metrics".equals(name.group())) {
                continue;
            }
            String client = name.tags().get("client-id");
            if (client == null || !STREAM_THREAD_CONSUMER.matcher(client).matches()
                    || !(e.getValue().metricValue() instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                continue;
            }
            max = Double.isNaN(max) ? n.doubleValue() : Math.max(max, n.doubleValue());
        }
        return max;
    }
}
