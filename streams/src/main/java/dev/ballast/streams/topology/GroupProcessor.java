package dev.ballast.streams.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.events.Alert;
import dev.ballast.events.EventJson;
import dev.ballast.streams.diffusion.DiffusionSettings;
import dev.ballast.streams.diffusion.GroupHeader;
import dev.ballast.streams.diffusion.GroupMember;
import dev.ballast.streams.diffusion.GroupMonitor;
import dev.ballast.streams.diffusion.GroupSignal;
import dev.ballast.streams.diffusion.GroupStore;
import dev.ballast.streams.metrics.BallastMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Kafka glue around {@link GroupMonitor}: group headers and members live in one key-value store,
 * the header under the groupId, each member under groupId, NUL, agentId. Emits DIFFUSION alerts
 * keyed by groupId.
 */
public final class GroupProcessor implements Processor<String, GroupSignal, String, Alert> {
    private static final ObjectMapper JSON = EventJson.LENIENT;
    private final String storeName;
    private final GroupMonitor monitor;
    private final BallastMetrics metrics;
    private ProcessorContext<String, Alert> context;
    private GroupStore store;
    /** This task's groups in a diffusion episode, as reported to the gauge. */
    private long inDiffusion;

    public GroupProcessor(String storeName, DiffusionSettings settings, BallastMetrics metrics, Clock clock) {
        this.storeName = storeName;
        this.monitor = new GroupMonitor(settings, clock);
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
                return read(kv.get(groupId + '\u0000' + agentId), GroupMember.class);
            }

            @Override
            public void putMember(String groupId, String agentId, GroupMember member) {
                kv.put(groupId + '\u0000' + agentId, EventJson.write(member));
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
    }

    @Override
    public void close() {
        metrics.groupsInDiffusion(-inDiffusion);
    }

    private static <T> T read(byte[] bytes, Class<T> type) {
        if (bytes == null) {
            return null;
        }
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            // Written by this class: unreadable state is a bug or a layout change, not bad input.
            throw new UncheckedIOException("group state unreadable as " + type.getSimpleName(), e);
        }
    }

    @Override
    public void process(Record<String, GroupSignal> record) {
        monitor.observe(store, record.value()).ifPresent(alert -> {
            metrics.alert(alert.type(), context.currentSystemTimeMs() - record.timestamp());
            context.forward(new Record<>(alert.groupId(), alert, record.timestamp()));
        });
    }
}
