package dev.ballast.streams;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka Streams properties for test drivers and mock processor contexts. They set
 * {@code processing.exception.handler.global.enabled} as {@code MonitorService} does: left unset,
 * Kafka 4.3 warns at every driver's and context's start, 87 lines of each CI log.
 */
public final class TestStreamsProperties {
    private TestStreamsProperties() {
    }

    public static Properties of(String applicationId) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put("processing.exception.handler.global.enabled", true);
        return props;
    }
}
