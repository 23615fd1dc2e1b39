package dev.ballast.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.EventJson;
import dev.ballast.events.JsonSerde;
import dev.ballast.streams.TestStreamsProperties;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.diffusion.GroupFeed;
import dev.ballast.streams.diffusion.GroupMember;
import dev.ballast.streams.diffusion.GroupMemberCodec;
import dev.ballast.streams.diffusion.GroupMonitor;
import dev.ballast.streams.diffusion.GroupSignal;
import dev.ballast.streams.diffusion.InMemoryGroupStore;
import dev.ballast.streams.diffusion.Watermark;
import dev.ballast.streams.metrics.BallastMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The group task on its own, fed as two monitor tasks far apart would feed it: one partition's
 * signals for the whole run first, then the other's. It must judge them as if they had come in
 * event-time order.
 */
class GroupProcessorTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
    private static final BallastConfig CONFIG = BallastConfig.defaults();
    /** g-1 turns first; g-2 watches g-1 and turns; g-3 watches g-2 and turns. */
    private static final Map<String, Integer> TURNS = Map.of("g-1", 60, "g-2", 64, "g-3", 68);

    private static GroupSignal signal(String agent, int round) {
        int turn = TURNS.getOrDefault(agent, Integer.MAX_VALUE);
        String watched = agent.equals("g-2") ? "g-1" : agent.equals("g-3") ? "g-2" : "g-6";
        return new GroupSignal("team-a", agent, agent + "-" + round, T0.plusSeconds(60L * round), round >= turn, null,
                round >= turn ? T0.plusSeconds(60L * turn) : null, List.of(watched), "p@1");
    }

    /** One monitor task's output: its agents' signals round by round, a watermark every ten rounds. */
    private static List<GroupFeed> task(int partition, List<String> agents) {
        List<GroupFeed> feed = new ArrayList<>();
        for (int round = 0; round < 120; round++) {
            if (round % 10 == 0) {
                feed.add(new Watermark(partition, T0.plusSeconds(60L * round).toEpochMilli(), false));
            }
            for (String agent : agents) {
                feed.add(signal(agent, round));
            }
        }
        feed.add(new Watermark(partition, Watermark.END, true));
        return feed;
    }

    private static List<Alert> judged(List<GroupSignal> signals) {
        GroupMonitor monitor = new GroupMonitor(CONFIG.diffusion(), CLOCK);
        InMemoryGroupStore store = new InMemoryGroupStore();
        List<Alert> alerts = new ArrayList<>();
        signals.forEach(s -> monitor.observe(store, s).ifPresent(alerts::add));
        return alerts;
    }

    @Test
    void signalsFromTasksFarApartAreJudgedInEventTimeOrder() {
        List<GroupFeed> first = task(0, List.of("g-1", "g-3", "g-5"));
        List<GroupFeed> second = task(1, List.of("g-2", "g-4", "g-6"));
        List<GroupSignal> arrival = new ArrayList<>();
        List.of(first, second).forEach(t -> t.stream().filter(f -> f instanceof GroupSignal)
                .forEach(f -> arrival.add((GroupSignal) f)));
        List<GroupSignal> eventTime = new ArrayList<>(arrival);
        eventTime.sort(GroupSignal.EVENT_TIME_ORDER);
        List<Alert> reference = judged(eventTime);
        assertEquals(1, reference.size());
        assertNotEquals(reference.get(0).triggerEventId(), judged(arrival).get(0).triggerEventId(),
                "arrival order would judge the group differently");

        BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
        try (TopologyTestDriver driver = driver(metrics, 2)) {
            TestInputTopic<String, GroupFeed> in = driver.createInputTopic("feed", Serdes.String().serializer(),
                    JsonSerde.of(GroupFeed.class).serializer());
            TestOutputTopic<String, Alert> out = driver.createOutputTopic("alerts", Serdes.String().deserializer(),
                    JsonSerde.of(Alert.class).deserializer());
            first.forEach(f -> in.pipeInput("team-a", f));
            assertTrue(out.isEmpty(), "nothing is judged before the second task has been heard");
            assertTrue(metrics.groupSignalsHeld() > 300, "the first task's signals are held");
            second.forEach(f -> in.pipeInput("team-a", f));
            List<Alert> alerts = out.readValuesToList();
            assertEquals(1, alerts.size());
            assertEquals(reference.get(0).triggerEventId(), alerts.get(0).triggerEventId());
            JsonSerde<Alert> serde = JsonSerde.of(Alert.class);
            Alert expected = serde.deserializer().deserialize("alerts",
                    serde.serializer().serialize("alerts", reference.get(0)));
            assertEquals(expected.evidence(), alerts.get(0).evidence(), "same edges, timeline and estimate");
            assertEquals(0, metrics.groupSignalsHeld(), "both tasks ended: nothing is left held");
            assertEquals(Map.of("buffer_full", 0L, "late", 0L), metrics.groupSignalsOutOfOrder());
        }
    }

    /** The group processor alone, its stores in memory, fed by {@code upstreamPartitions} monitor tasks. */
    private static TopologyTestDriver driver(BallastMetrics metrics, int upstreamPartitions) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("groups"), Serdes.String(),
                Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("order"), Serdes.Bytes(),
                Serdes.ByteArray()));
        builder.stream("feed", Consumed.with(Serdes.String(), JsonSerde.of(GroupFeed.class)))
                .process(() -> new GroupProcessor("groups", "order", CONFIG.diffusion(), CONFIG.reorder(),
                        upstreamPartitions, metrics, CLOCK), "groups", "order")
                .to("alerts", Produced.with(Serdes.String(), JsonSerde.of(Alert.class)));
        return new TopologyTestDriver(builder.build(), TestStreamsProperties.of("group-processor-test"));
    }

    /** A member stored as JSON by a version before the binary layout carries on, and is stored binary from then on. */
    @Test
    void membersStoredAsJsonByEarlierVersionsAreReadAndRewritten() {
        long before = T0.minusSeconds(60).toEpochMilli();
        GroupMember earlier = new GroupMember();
        earlier.events = 1;
        earlier.lastEventMillis = before;
        earlier.violationsSince = before;
        earlier.violations.add(before);
        earlier.recent.add(new GroupMember.Observation("g-1", before));
        try (TopologyTestDriver driver = driver(new BallastMetrics(new SimpleMeterRegistry()), 1)) {
            KeyValueStore<String, byte[]> groups = driver.getKeyValueStore("groups");
            groups.put("team-a\u0000g-9", EventJson.write(earlier));
            TestInputTopic<String, GroupFeed> in = driver.createInputTopic("feed", Serdes.String().serializer(),
                    JsonSerde.of(GroupFeed.class).serializer());
            in.pipeInput("team-a", signal("g-9", 0));
            in.pipeInput("team-a", new Watermark(0, Watermark.END, true));
            byte[] stored = groups.get("team-a\u0000g-9");
            assertTrue(GroupMemberCodec.isBinary(stored));
            GroupMember now = GroupMemberCodec.decode(stored);
            assertEquals(2, now.events);
            assertEquals(List.of(new GroupMember.Observation("g-1", before),
                    new GroupMember.Observation("g-6", T0.toEpochMilli())), now.recent);
            assertEquals(List.of(before, T0.toEpochMilli()), now.violations, "a signal that does not say counts as a violation");
            assertEquals(60_000, now.meanGapMillis);
        }
    }
}
