package dev.ballast.streams.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.streams.config.BallastConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka Streams settings Ballast chooses, and that a user's {@code streams.*} key wins over each. */
class MonitorServiceTest {
    private static final String BATCH_SIZE = StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG);

    @Test
    void choosesExactlyOnceNoTaskIdlingAndLargeProducerBatches() {
        Properties p = MonitorService.streamsProps(BallastConfig.parse(new Properties(), Map.of()), 4, 2);
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED, p.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG));
        assertEquals(256 * 1024, p.get(BATCH_SIZE));
    }

    @Test
    void runsAStreamThreadPerCoreButNoneBeyondTheMonitorTasks() {
        BallastConfig defaults = BallastConfig.parse(new Properties(), Map.of());
        assertEquals(2, MonitorService.streamsProps(defaults, 4, 2).get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
        assertEquals(4, MonitorService.streamsProps(defaults, 4, 16).get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
        assertEquals(1, MonitorService.streamsProps(defaults, 1, 16).get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
        assertEquals(1, MonitorService.streamsProps(defaults, 4, 1).get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
    }

    @Test
    void aUsersStreamsSettingWinsOverBallastsChoice() {
        Properties user = new Properties();
        user.setProperty("streams." + StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "0");
        user.setProperty("streams." + BATCH_SIZE, "16384");
        user.setProperty("streams." + StreamsConfig.NUM_STREAM_THREADS_CONFIG, "3");
        Properties p = MonitorService.streamsProps(BallastConfig.parse(user, Map.of()), 4, 2);
        assertEquals("0", String.valueOf(p.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)));
        assertEquals("16384", String.valueOf(p.get(BATCH_SIZE)));
        assertEquals("3", String.valueOf(p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)));
    }
}
