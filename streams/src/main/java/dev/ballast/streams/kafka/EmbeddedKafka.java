package dev.ballast.streams.kafka;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) inside this JVM, on loopback,
 * a free port and a {@link TemporaryDirectory} that is deleted on close. Used by {@code demo},
 * {@code replay} and the end-to-end tests when no external cluster is given.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private final KafkaClusterTestKit cluster;
    private final TemporaryDirectory dir;

    private EmbeddedKafka(KafkaClusterTestKit cluster, TemporaryDirectory dir) {
        this.cluster = cluster;
        this.dir = dir;
    }

    public static EmbeddedKafka start() {
        quietRetriedWrites();
        long t0 = System.nanoTime();
        TemporaryDirectory dir = TemporaryDirectory.create("ballast-kafka-");
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir.path())
                    .build();
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                    // One node: internal topics cannot have more replicas, or groups and transactions hang.
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    // Fewer internal partitions: start-up and the first transaction are seconds faster.
                    .setConfigProp("offsets.topic.num.partitions", "4")
                    .setConfigProp("transaction.state.log.num.partitions", "4")
                    // No point waiting for more group members to join on a single-process broker.
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setDeleteOnClose(true)
                    .build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            EmbeddedKafka kafka = new EmbeddedKafka(cluster, dir);
            LOG.info("embedded Kafka up at {} in {} ms", kafka.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
            return kafka;
        } catch (InterruptedException e) {
            dir.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
        } catch (Exception e) {
            dir.close();
            throw new IllegalStateException("cannot start the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    /**
     * A transaction's first write can reach this broker before it has finished the previous
     * commit (Kafka 4's transactions, v2); the producer retries it and the writes queued behind it,
     * each with a WARN line. Against a throwaway broker in the same process that is noise on the
     * user's terminal, so the producers of this JVM log only errors, unless the user set the level
     * (BALLAST_JAVA_OPTS). A write that fails for good still shows: Kafka Streams logs it at ERROR.
     */
    private static void quietRetriedWrites() {
        String level = "org.slf4j.simpleLogger.log.org.apache.kafka.clients.producer.internals.Sender";
        if (System.getProperty(level) == null) {
            System.setProperty(level, "error");
        }
    }

    /** The storage formatter prints to standard output, which belongs to the command's own results. */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(stdout);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("embedded Kafka did not close cleanly: {}", e.getMessage());
        } finally {
            dir.close();
        }
    }
}
