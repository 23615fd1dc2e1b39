package dev.ballast.streams.topology;

import dev.ballast.events.Alert;
import dev.ballast.events.EventJson;
import dev.ballast.streams.diffusion.DiffusionSettings;
import dev.ballast.streams.diffusion.GroupHeader;
import dev.ballast.streams.diffusion.GroupMember;
import dev.ballast.streams.diffusion.GroupMemberCodec;
import dev.ballast.streams.diffusion.GroupFeed;
import dev.ballast.streams.diffusion.GroupMonitor;
import dev.ballast.streams.diffusion.GroupSignal;
import dev.ballast.streams.diffusion.GroupSignalCodec;
import dev.ballast.streams.diffusion.GroupStore;
import dev.ballast.streams.diffusion.ReorderSettings;
import dev.ballast.streams.diffusion.Watermark;
import dev.ballast.streams.diffusion.Watermarks;
import dev.ballast.streams.metrics.BallastMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Kafka glue around {@link GroupMonitor}. Signals from many monitor tasks arrive in whatever order
 * those tasks ran; they are held in the order store, sorted by event time, agentId and arrival,
 * until every monitor task's watermark has passed them ({@link Watermarks}), then judged in that
 * order, so group verdicts do not depend on the partition count. Group headers and members live
 * in the group store, the header under the groupId, each member under groupId, NUL, agentId.
 * Emits DIFFUSION alerts keyed by groupId.
 */
public final class GroupProcessor implements Processor<String, GroupFeed, String, Alert> {
    /** Order-store keys: the watermarks under one byte, held signals under a prefix that sorts after it. */
    private static final Bytes WATERMARKS_KEY = Bytes.wrap(new byte[]{0});
    private static final byte HELD = 1;
    private final String storeName;
    private final String orderStoreName;
    private final GroupMonitor monitor;
    private final ReorderSettings reorder;
    private final int upstreamPartitions;
    private final BallastMetrics metrics;
    private ProcessorContext<String, Alert> context;
    private GroupStore store;
    private KeyValueStore<Bytes, byte[]> order;
    private EventTimeBuffer<GroupSignal> held;
    private Watermarks watermarks;
    /** Wall-clock time the release point last moved, or the first signal was held after it did. */
    private long progressAtMs;
    /** Arrival order when the record has no offset (never on a real topic). */
    private long arrivals;
    /** This task's groups in a diffusion episode, as reported to the gauge. */
    private long inDiffusion;

    /**
     * @param upstreamPartitions monitor tasks feeding the group topic, one per interactions
     *                           partition: signals are held until each has passed them
     */
    public GroupProcessor(String storeName, String orderStoreName, DiffusionSettings settings, ReorderSettings reorder,
                          int upstreamPartitions, BallastMetrics metrics, Clock clock) {
        this.storeName = storeName;
        this.orderStoreName = orderStoreName;
        this.monitor = new GroupMonitor(settings, clock);
        this.reorder = reorder;
        this.upstreamPartitions = upstreamPartitions;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        KeyValueStore<String, byte[]> kv = context.getStateStore(storeName);
        this.store = new GroupStore() {
            @Override
            public GroupHeader header(String groupId) {
                return read(kv.get(groupId), GroupHeader.class);
            }

            @Override
            public void putHeader(String groupId, GroupHeader header) {
                GroupHeader before = header(groupId);
                boolean was = before != null && before.alerted;
                if (header.alerted != was) {
                    inDiffusion += header.alerted ? 1 : -1;
                    metrics.groupsInDiffusion(header.alerted ? 1 : -1);
                }
                if (header.untracked > (before == null ? 0 : before.untracked)) {
                    metrics.untrackedGroupSignal();
                }
                kv.put(groupId, EventJson.write(header));
            }

            @Override
            public GroupMember member(String groupId, String agentId) {
                byte[] bytes = kv.get(groupId + '\u0000' + agentId);
                return bytes == null ? null : GroupMemberCodec.decode(bytes);
            }

            @Override
            public void putMember(String groupId, String agentId, GroupMember member) {
                kv.put(groupId + '\u0000' + agentId, GroupMemberCodec.encode(member));
            }
        };
        // Headers are the keys without a member part; the gauge starts from their restored state.
        try (KeyValueIterator<String, byte[]> all = kv.all()) {
            all.forEachRemaining(e -> {
                if (e.key.indexOf('\u0000') < 0 && read(e.value, GroupHeader.class).alerted) {
                    inDiffusion++;
                }
            });
        }
        metrics.groupsInDiffusion(inDiffusion);
        order = context.getStateStore(orderStoreName);
        Watermarks restored = read(order.get(WATERMARKS_KEY), Watermarks.class);
        watermarks = (restored == null ? new Watermarks() : restored).resize(upstreamPartitions);
        held = new EventTimeBuffer<>(order, HELD, new EventTimeBuffer.Codec<>(GroupSignalCodec::encode,
                GroupSignalCodec::decode), metrics::groupSignalsHeld);
        progressAtMs = context.currentSystemTimeMs();
        if (reorder.maxHoldMs() > 0) {
            context.schedule(Duration.ofMillis(Math.max(10, reorder.maxHoldMs() / 4)), PunctuationType.WALL_CLOCK_TIME,
                    this::passIdleIfStalled);
        }
    }

    /**
     * A partition without traffic reports itself idle but still holds its groups' signals back; once
     * nothing has moved for {@code maxHoldMs}, stop waiting for it. Idle is not caught up: a task
     * starved of records during a catch-up also goes idle, and its signals then arrive late.
     */
    private void passIdleIfStalled(long nowMs) {
        if (held.held() > 0 && nowMs - progressAtMs >= reorder.maxHoldMs()) {
            long before = watermarks.releasedBefore;
            watermarks.passIdle();
            releaseIfMoved(before);
            progressAtMs = nowMs;
        }
    }

    @Override
    public void close() {
        metrics.groupsInDiffusion(-inDiffusion);
        held.close();
    }

    private static <T> T read(byte[] bytes, Class<T> type) {
        return bytes == null ? null : EventJson.readStored(bytes, type, "group state " + type.getSimpleName());
    }

    @Override
    public void process(Record<String, GroupFeed> record) {
        if (record.value() instanceof Watermark mark) {
            long before = watermarks.releasedBefore;
            watermarks.advance(mark);
            releaseIfMoved(before);
        } else if (record.value() instanceof GroupSignal signal) {
            long at = signal.timestamp().toEpochMilli();
            if (watermarks.late(at)) {
                metrics.groupSignalOutOfOrder("late");
                judge(signal);
                return;
            }
            if (held.held() == 0) {
                progressAtMs = context.currentSystemTimeMs();
            }
            long arrival = context.recordMetadata().map(RecordMetadata::offset).orElse(arrivals++);
            held.hold(at, heldId(signal.agentId(), arrival), signal);
            if (held.held() > reorder.maxHeldSignals()) {
                releaseOldest();
            }
        }
    }

    /** Stores the watermarks and, if the release point moved past {@code before}, judges what it passed. */
    private void releaseIfMoved(long before) {
        order.put(WATERMARKS_KEY, EventJson.write(watermarks));
        if (watermarks.releasedBefore > before) {
            progressAtMs = context.currentSystemTimeMs();
            release(watermarks.releasedBefore);
        }
    }

    /** Judges, in key order, every held signal with an event time before {@code releasedBefore}. */
    private void release(long releasedBefore) {
        held.releaseBefore(releasedBefore, (at, signal) -> judge(signal));
    }

    private void releaseOldest() {
        held.releaseFirst((at, signal) -> {
            watermarks.force(at);
            order.put(WATERMARKS_KEY, EventJson.write(watermarks));
            metrics.groupSignalOutOfOrder("buffer_full");
            judge(signal);
        });
    }

    private void judge(GroupSignal signal) {
        long at = signal.timestamp().toEpochMilli();
        monitor.observe(store, signal).ifPresent(alert -> {
            metrics.alert(alert, context.currentSystemTimeMs() - at);
            context.forward(new Record<>(alert.groupId(), alert, at));
        });
    }

    /**
     * After the event time: agentId (a deterministic order for signals at the same instant, whatever
     * partition they came through), then arrival (one agent's signals keep their order).
     */
    private static byte[] heldId(String agentId, long arrival) {
        byte[] agent = agentId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(agent.length + 1 + 8).put(agent).put((byte) 0).putLong(arrival).array();
    }
}
