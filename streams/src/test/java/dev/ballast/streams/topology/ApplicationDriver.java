package dev.ballast.streams.topology;

import dev.ballast.events.JsonSerde;
import dev.ballast.streams.TestStreamsProperties;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.TopicAdmin;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.InputEnd;
import dev.ballast.streams.monitor.MonitorTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The whole application topology in a {@link TopologyTestDriver}, with the topic helpers its tests share. */
final class ApplicationDriver {
    private static final Path SHM = Path.of("/dev/shm");

    private ApplicationDriver() {
    }

    /** A driver for {@code config}'s topology, one partition per topic, state under {@code name}. */
    static TopologyTestDriver start(BallastConfig config, String name, BallastMetrics metrics) {
        return start(config, name, metrics, InputEnd.live());
    }

    /** The same for a run that ends as {@code inputEnd} says (a bounded one, like a replay). */
    static TopologyTestDriver start(BallastConfig config, String name, BallastMetrics metrics, InputEnd inputEnd) {
        Properties props = TestStreamsProperties.of(name);
        // The driver commits, and so fsyncs a store checkpoint, after every record: on tmpfs that
        // costs nothing, on a disk it makes a test class ten times slower.
        if (Files.isDirectory(SHM)) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, SHM.resolve("ballast-" + name).toString());
        }
        return new TopologyTestDriver(
                MonitorTopology.build(config, new TopicAdmin.Layout(1, 1, 1), metrics, Clock.systemUTC(), inputEnd), props);
    }

    /** A user topic, written as raw bytes as producers write it. */
    static TestInputTopic<byte[], byte[]> rawInput(TopologyTestDriver driver, String topic) {
        return driver.createInputTopic(topic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    }

    /** An output topic read as raw bytes (the dead-letter topic). */
    static TestOutputTopic<byte[], byte[]> rawOutput(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    }

    /** An output topic of JSON events keyed by a string. */
    static <T> TestOutputTopic<String, T> jsonOutput(TopologyTestDriver driver, String topic, Class<T> type) {
        return driver.createOutputTopic(topic, Serdes.String().deserializer(), JsonSerde.of(type).deserializer());
    }
}
