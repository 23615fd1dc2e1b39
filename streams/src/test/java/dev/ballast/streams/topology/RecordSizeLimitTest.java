package dev.ballast.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.DeadLetterHeaders;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.metrics.BallastMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** Records above max.record.bytes are dead-lettered unread, cut to their first 64 KiB, on every input topic. */
class RecordSizeLimitTest {

    @Test
    void oversizeRecordsAreDeadLetteredCutWithTheReason() {
        BallastConfig config = BallastConfig.defaults().with("max.record.bytes", "4096");
        BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
        try (TopologyTestDriver driver = ApplicationDriver.start(config, "record-size-test", metrics)) {
            TestOutputTopic<byte[], byte[]> dlq = ApplicationDriver.rawOutput(driver, config.topics().dlq());
            String big = "{\"eventId\":\"e1\",\"agentId\":\"a1\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"response\":\""
                    + "x".repeat(200_000) + "\"}";
            for (String topic : List.of(config.topics().interactions(), config.topics().preferences(),
                    config.topics().candidates(), config.topics().policies())) {
                ApplicationDriver.rawInput(driver, topic).pipeInput("k".getBytes(StandardCharsets.UTF_8),
                        big.getBytes(StandardCharsets.UTF_8));
            }
            List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
            assertEquals(4, dead.size());
            for (TestRecord<byte[], byte[]> r : dead) {
                assertEquals(64 * 1024, r.value().length, "cut to 64 KiB");
                String reason = new String(r.headers().lastHeader(DeadLetterHeaders.ERROR).value(), StandardCharsets.UTF_8);
                assertTrue(reason.contains("more than max.record.bytes (4096)"), reason);
            }
            assertEquals(4.0, metrics.registry().find("ballast.dlq.records").tag("reason", "too_large").counters()
                    .stream().mapToDouble(c -> c.count()).sum());
        }
    }
}
