package dev.ballast.streams.monitor;

import dev.ballast.streams.diffusion.GroupFeed;
import dev.ballast.streams.diffusion.Watermark;
import java.util.Optional;
import java.util.Set;

/**
 * Routes the group topic: a signal to its group's partition (the default, by key), a watermark to
 * every partition, since every group task must hear every monitor task's progress.
 */
final class GroupFeedPartitioner implements org.apache.kafka.streams.processor.StreamPartitioner<String, GroupFeed> {
    private final BroadcastPartitioner<String, GroupFeed> everywhere = new BroadcastPartitioner<>();

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, GroupFeed value, int numPartitions) {
        return value instanceof Watermark ? everywhere.partitions(topic, key, value, numPartitions) : Optional.empty();
    }
}
