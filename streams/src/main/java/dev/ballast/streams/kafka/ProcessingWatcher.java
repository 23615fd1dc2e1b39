package dev.ballast.streams.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Tells when a consumer group (a Kafka Streams application) has processed everything on its
 * input topics, from its committed offsets. No sleeps and no record counting: a partition is done
 * when no committed data record lies at or beyond the group's committed offset.
 *
 * <p>Internal topics are written in transactions, whose commit markers take offsets too: a group
 * that processed every record can sit one offset short of the end. Those partitions are probed
 * with a read_committed consumer, which skips markers and returns any record still unprocessed.
 */
public final class ProcessingWatcher implements AutoCloseable {
    private static final String REPARTITION = "-repartition";
    private final Admin admin;
    private final String groupId;
    private final KafkaConsumer<byte[], byte[]> probe;

    /** Committed progress over a set of topics. */
    public record Progress(long processed, long total) {
        public double fraction() {
            return total == 0 ? 1 : (double) processed / total;
        }
    }

    /** {@code clientOverrides}: the cluster's security settings, for the probing consumer. */
    public ProcessingWatcher(Admin admin, String bootstrapServers, Map<String, String> clientOverrides, String groupId) {
        this.admin = admin;
        this.groupId = groupId;
        Properties p = new Properties();
        p.putAll(clientOverrides);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.probe = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Records committed as processed by the group, against records available, over {@code topics}. */
    public Progress progress(Collection<String> topics) throws ExecutionException, InterruptedException {
        List<TopicPartition> partitions = partitions(topics);
        Map<TopicPartition, Long> ends = ends(partitions);
        Map<TopicPartition, Long> committed = committed();
        long done = 0;
        long total = 0;
        for (TopicPartition tp : partitions) {
            long end = ends.getOrDefault(tp, 0L);
            total += end;
            done += Math.min(end, committed.getOrDefault(tp, 0L));
        }
        return new Progress(done, total);
    }

    /**
     * True when the group has processed every committed record of {@code topics} and of its own
     * repartition topics. Check sources first: once they are done, everything their processing
     * wrote to internal topics is committed and visible to the internal check that follows.
     */
    public boolean caughtUp(Collection<String> sourceTopics) throws ExecutionException, InterruptedException {
        if (!caughtUpOn(partitions(sourceTopics))) {
            return false;
        }
        List<String> internal = internalTopics();
        return internal.isEmpty() || caughtUpOn(partitions(internal));
    }

    /**
     * Progress on each of the group's own repartition topics, by the name the topology gave it
     * ({@code group-signals} for {@code <group>-group-signals-repartition}). Once every input is
     * processed, these say what is still being worked through: a group monitor behind the agent
     * monitor, for one. A partition one offset short of its end counts as done, since that offset
     * may be a transaction's commit marker; for progress shown to a user the approximation is fine.
     */
    public Map<String, Progress> internalProgress() throws ExecutionException, InterruptedException {
        List<TopicPartition> partitions = partitions(internalTopics());
        Map<TopicPartition, Long> ends = ends(partitions);
        Map<TopicPartition, Long> committed = committed();
        Map<String, Progress> out = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            long end = ends.getOrDefault(tp, 0L);
            long at = committed.getOrDefault(tp, 0L);
            String step = tp.topic().substring(groupId.length() + 1, tp.topic().length() - REPARTITION.length());
            out.merge(step, new Progress(at >= end - 1 ? end : at, end),
                    (a, b) -> new Progress(a.processed() + b.processed(), a.total() + b.total()));
        }
        return out;
    }

    private List<String> internalTopics() throws ExecutionException, InterruptedException {
        return admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(groupId + "-") && t.endsWith(REPARTITION)).sorted().toList();
    }

    private boolean caughtUpOn(List<TopicPartition> partitions) throws ExecutionException, InterruptedException {
        // Committed offsets before end offsets: whatever an upstream partition's processing wrote
        // downstream is then already inside the ends read below.
        Map<TopicPartition, Long> committed = committed();
        Map<TopicPartition, Long> ends = ends(partitions);
        List<TopicPartition> toProbe = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            long end = ends.getOrDefault(tp, 0L);
            long at = committed.getOrDefault(tp, 0L);
            if (at >= end) {
                continue;
            }
            if (at < end - 1) {
                return false;
            }
            toProbe.add(tp);
        }
        return toProbe.isEmpty() || noRecordsFrom(toProbe, committed);
    }

    private boolean noRecordsFrom(List<TopicPartition> partitions, Map<TopicPartition, Long> committed) {
        probe.assign(partitions);
        for (TopicPartition tp : partitions) {
            probe.seek(tp, committed.getOrDefault(tp, 0L));
        }
        Map<TopicPartition, Long> ends = probe.endOffsets(partitions);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> records = probe.poll(Duration.ofMillis(100));
            if (!records.isEmpty()) {
                return false;
            }
            if (partitions.stream().allMatch(tp -> probe.position(tp) >= ends.get(tp))) {
                return true;
            }
        }
        return false;
    }

    private List<TopicPartition> partitions(Collection<String> topics) throws ExecutionException, InterruptedException {
        List<TopicPartition> out = new ArrayList<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
                d.partitions().forEach(p -> out.add(new TopicPartition(name, p.partition()))));
        return out;
    }

    private Map<TopicPartition, Long> ends(List<TopicPartition> partitions) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
        partitions.forEach(tp -> spec.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(spec, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private Map<TopicPartition, Long> committed() throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    @Override
    public void close() {
        probe.close();
    }
}
