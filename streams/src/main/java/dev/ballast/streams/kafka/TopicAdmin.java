package dev.ballast.streams.kafka;

import dev.ballast.streams.config.BallastConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates Ballast's topics when they are missing and reads the partition layout back. */
public final class TopicAdmin {
    private static final Duration METADATA_WAIT = Duration.ofSeconds(10);
    private TopicAdmin() {
    }

    /**
     * Partition counts of the input topics that size the topology's internal topics.
     *
     * @param interactions partitions of the interactions topic (monitor and gate internal topics)
     * @param candidates   partitions of the candidates topic, equal to the scored topic's
     * @param preferences  partitions of the preferences topic (triage internal topics)
     */
    public record Layout(int interactions, int candidates, int preferences) {
    }

    /** {@link #ensureTopics(Admin, BallastConfig)} with an admin client of its own. */
    public static Layout ensure(BallastConfig config) {
        try (Admin admin = Admin.create(MonitorService.adminProps(config))) {
            return ensureTopics(admin, config);
        }
    }

    /**
     * Creates any missing topic of {@code config}; existing topics are left as they are. Fails
     * when the candidates and scored topics differ in partition count: a candidate and its score
     * must meet in the same gate task.
     */
    public static Layout ensureTopics(Admin admin, BallastConfig config) {
        BallastConfig.TopicNames t = config.topics();
        Optional<Short> rf = config.topicReplicationFactor() < 0 ? Optional.empty()
                : Optional.of(config.topicReplicationFactor());
        Optional<Integer> partitions = Optional.of(config.topicPartitions());
        Optional<Integer> gatePartitions = config.gateTopicPartitions() > 0 ? Optional.of(config.gateTopicPartitions())
                : partitions;
        // Topics users write to, and the one their bad records land on, take records up to
        // max.record.bytes: larger ones are Ballast's to dead-letter, not the broker's to refuse.
        Map<String, String> userRecords = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(config.maxRequestBytes()));
        List<NewTopic> wanted = new ArrayList<>();
        wanted.add(new NewTopic(t.interactions(), partitions, rf).configs(userRecords));
        // One partition keeps a policy's versions in publication order; compaction keeps the newest per policy.
        wanted.add(new NewTopic(t.policies(), Optional.of(1), rf).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(config.maxRequestBytes()))));
        wanted.add(new NewTopic(t.candidates(), gatePartitions, rf).configs(userRecords));
        // A score carries its candidate's text, so it is as large as the candidate and a little more.
        wanted.add(new NewTopic(t.scored(), gatePartitions, rf).configs(userRecords));
        wanted.add(new NewTopic(t.accepted(), gatePartitions, rf));
        wanted.add(new NewTopic(t.quarantined(), gatePartitions, rf));
        wanted.add(new NewTopic(t.preferences(), partitions, rf).configs(userRecords));
        wanted.add(new NewTopic(t.triage(), partitions, rf));
        // One partition keeps jobs in the order the trigger created them, which the executor runs
        // them in: each job starts from the model the jobs before it left.
        wanted.add(new NewTopic(t.jobs(), Optional.of(1), rf));
        wanted.add(new NewTopic(t.status(), partitions, rf));
        wanted.add(new NewTopic(t.alerts(), partitions, rf));
        wanted.add(new NewTopic(t.dlq(), partitions, rf).configs(userRecords));
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = wanted.stream().filter(n -> !existing.contains(n.name())).toList();
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            int candidates = partitionCount(admin, t.candidates());
            int scored = partitionCount(admin, t.scored());
            if (candidates != scored) {
                throw new IllegalStateException("topic " + t.candidates() + " has " + candidates + " partitions but "
                        + t.scored() + " has " + scored + "; give them the same count so each candidate meets its score");
            }
            return new Layout(partitionCount(admin, t.interactions()), candidates,
                    partitionCount(admin, t.preferences()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + wanted.stream().map(NewTopic::name).toList()
                    + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static int partitionCount(Admin admin, String topic) throws ExecutionException, InterruptedException {
        // A topic just created can be unknown to the broker answering for a moment, until the
        // new metadata reaches it.
        long deadline = System.nanoTime() + METADATA_WAIT.toNanos();
        while (true) {
            try {
                return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
