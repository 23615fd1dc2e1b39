package dev.ballast.streams.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterOutageTest {
    private static final long T0 = Instant.parse("2026-12-07T03:00:00Z").toEpochMilli();
    private final ClusterOutage outage = new ClusterOutage("monitor ballast-monitor", "kafka-1:9092",
            Duration.ofSeconds(15), Duration.ofMinutes(5));
    private final List<ClusterOutage.Line> lines = new ArrayList<>();

    /** Probes every 5 s from {@code fromSecond} to {@code toSecond}, failing with {@code problem} (null: answered). */
    private void probes(int fromSecond, int toSecond, String problem) {
        for (int s = fromSecond; s <= toSecond; s += 5) {
            outage.probed(T0 + s * 1_000L, problem).ifPresent(lines::add);
        }
    }

    @Test
    void aBlipShorterThanTheGraceIsNotSaid() {
        probes(0, 5, null);
        probes(10, 20, "no answer within 5 s");
        assertFalse(outage.reachable());
        probes(25, 40, null);
        assertTrue(outage.reachable());
        assertEquals(List.of(), lines);
    }

    @Test
    void anOutageIsSaidOnceThenRemindedThenItsEndSaid() {
        probes(0, 5, null);
        probes(10, 10 + 6 * 60, "no answer within 5 s");
        probes(10 + 6 * 60 + 5, 10 + 6 * 60 + 30, null);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).warning());
        assertEquals("cannot reach Kafka at kafka-1:9092 since 03:00:10 UTC (15 s; no answer within 5 s): monitor "
                + "ballast-monitor is paused and loses nothing; it goes on from its last commit once a broker answers",
                lines.get(0).text());
        assertTrue(lines.get(1).warning());
        assertEquals("still cannot reach Kafka at kafka-1:9092, for 5 min now (no answer within 5 s)",
                lines.get(1).text());
        assertFalse(lines.get(2).warning());
        assertEquals("Kafka at kafka-1:9092 answers again after 6 min without it; monitor ballast-monitor goes on "
                + "from its last commit", lines.get(2).text());
        assertTrue(outage.reachable());
    }

    @Test
    void theNextOutageIsSaidAfresh() {
        probes(0, 30, "no answer within 5 s");
        probes(35, 60, null);
        probes(65, 85, "Connection refused");
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(2).text().startsWith("cannot reach Kafka at kafka-1:9092 since 03:01:05 UTC (15 s; "
                + "Connection refused)"), lines.get(2).text());
    }
}
