package dev.ballast.streams.kafka;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.InputEnd;
import dev.ballast.streams.monitor.MonitorTopology;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor as a running Kafka Streams client: topics ensured, topology built for the actual
 * partition count, its state directory claimed for the cluster ({@link StateDirectoryCluster}),
 * Kafka Streams meters bound to the registry, clean shutdown on close.
 */
public final class MonitorService implements AutoCloseable {
    /** Producer batch size the monitor runs with unless {@code streams.producer.batch.size} says otherwise. */
    public static final int PRODUCER_BATCH_BYTES = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(MonitorService.class);
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    /** {@value #LAG_GAUGE}: what the consumer-lag alert reads. */
    private final Gauge lagGauge;
    private final MeterRegistry registry;
    static final String LAG_GAUGE = "ballast.monitor.records.lag.max";
    private final CountDownLatch failed = new CountDownLatch(1);
    private volatile Throwable failure;
    private final InputEnd inputEnd;

    /** A live monitor. */
    public MonitorService(BallastConfig config, BallastMetrics metrics) {
        this(config, metrics, Clock.systemUTC(), InputEnd.live());
    }

    /** A live monitor with {@code clock} stamping alerts' {@code detectedAt}. */
    public MonitorService(BallastConfig config, BallastMetrics metrics, Clock clock) {
        this(config, metrics, clock, InputEnd.live());
    }

    /**
     * @param inputEnd {@link InputEnd#bounded()} for a run that will say when its input has ended
     *                 ({@link #endOfInput()}, {@link #endOfTriggerInput()})
     */
    public MonitorService(BallastConfig config, BallastMetrics metrics, Clock clock, InputEnd inputEnd) {
        this.inputEnd = inputEnd;
        TopicAdmin.Layout layout;
        String clusterId;
        try (Admin admin = Admin.create(adminProps(config))) {
            layout = TopicAdmin.ensureTopics(admin, config);
            clusterId = ClusterCheck.clusterId(admin, config.bootstrapServers());
        }
        streams = new KafkaStreams(MonitorTopology.build(config, layout, metrics, clock, inputEnd),
                streamsProps(config, layout.interactions(), Runtime.getRuntime().availableProcessors()));
        try {
            // After the constructor, which locks the directory against a second instance; before start.
            StateDirectoryCluster.claim(config.stateDir().resolve(config.applicationId()), clusterId, streams::cleanUp);
        } catch (RuntimeException e) {
            streams.close();
            throw e;
        }
        // Detector designs are solved once per process; solving them now, beside the stream
        // threads, spares the first agents at each baseline a wait of up to 20 ms on theirs.
        Thread designs = new Thread(new AgentMonitor(config.monitorSettings())::prepareDesigns,
                "ballast-detector-designs");
        designs.setDaemon(true);
        designs.start();
        streams.setUncaughtExceptionHandler(e -> {
            if (StreamThreadFailures.clusterTimedOut(e)) {
                LOG.warn("a stream thread stopped because the cluster did not answer in time ({}); a new one "
                        + "takes its tasks and goes on from their last commit", ClusterCheck.rootMessage(e));
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            // Bad input never gets here (it is dead-lettered); what does is a bug or a broken
            // cluster, where stopping loudly beats a thread crash-looping on the same record.
            failure = e;
            LOG.error("monitor stopped on an unexpected error", e);
            failed.countDown();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(metrics.registry());
        registry = metrics.registry();
        KafkaStreams monitored = streams;
        lagGauge = Gauge.builder(LAG_GAUGE, () -> MonitorLag.maxRecordsLag(monitored.metrics()))
                .description("Records the monitor's stream threads are behind on their worst input partition")
                .register(registry);
    }

    /** An admin client's settings: the cluster and its security settings. */
    public static Properties adminProps(BallastConfig config) {
        Properties p = new Properties();
        p.putAll(config.clientOverrides());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return p;
    }

    /**
     * @param interactionPartitions partitions of the interactions topic: the monitor tasks, where
     *                              nearly all the work is
     * @param cores                 processors this JVM may use
     */
    static Properties streamsProps(BallastConfig config, int interactionPartitions, int cores) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        // The contract: a crash and restart neither loses nor duplicates anything downstream.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Internal topics follow the user's replication choice (-1: the broker's default).
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topicReplicationFactor());
        // Dead letters carry records up to max.record.bytes plus their headers.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), config.maxRequestBytes());
        // And so do the internal topics: a candidate waiting for its score is stored, and its
        // changelog written, whole; the broker's own 1 MiB default would refuse one at the limit
        // and stop every task.
        p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), config.maxRequestBytes());
        // No global stores here, so this changes nothing but silences a start-up warning Kafka
        // 4.3 prints for every Streams config that leaves it unset, including the one its
        // partition assignor builds from the main consumer's settings (hence the prefixed copy).
        p.put("processing.exception.handler.global.enabled", true);
        p.put(StreamsConfig.mainConsumerPrefix("processing.exception.handler.global.enabled"), true);
        // Kafka 4.3 formats a log string for every empty input partition of a task on every record
        // when tasks may idle: the monitor task's re-keyed and policy inputs are nearly always
        // empty, and that formatting took 30% of the stream thread (18% more interactions/s
        // without it). The idle wait only covered policy versions already on the broker but not
        // yet fetched; replay waits until every version is consumed before it sends events.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // Every interaction writes its agent's state to the changelog, and exactly-once flushes
        // at each commit: 16 KB batches meant dozens of small batches per partition per commit
        // for the broker (on the same cores in the benchmark) to append. 256 KB batches: 1.5x the
        // interactions/s. A partition with an open batch holds that much of buffer.memory
        // (32 MB) until the commit sends it.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        // Kafka Streams runs one stream thread unless told otherwise, and the monitor's is busy
        // 80% of the time on its core: a thread per core the JVM may use, but none beyond the
        // monitor tasks, which carry nearly all the work (README, Configuration).
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Math.max(1, Math.min(cores, interactionPartitions)));
        p.putAll(config.streamsOverrides());
        return p;
    }

    public void start(Duration timeout) {
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
                failed.countDown();
            }
        });
        streams.start();
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("monitor did not reach RUNNING within " + timeout.toSeconds()
                        + " s (state " + streams.state() + "); is the cluster reachable?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the monitor", e);
        }
    }

    /** Stream threads this instance runs ({@code streams.num.stream.threads}, or one per core up to the monitor tasks). */
    public int streamThreads() {
        return streams.metadataForLocalThreads().size();
    }

    /**
     * For a bounded run, once every input record has been processed: group signals still held
     * for event-time order are judged without waiting for the idle timeouts.
     */
    public void endOfInput() {
        inputEnd.end();
    }

    /**
     * For a bounded run, once every alert and triage decision has reached the trigger: it counts
     * all it holds, in event-time order, and from then on counts what arrives at once.
     */
    public void endOfTriggerInput() {
        inputEnd.endTriggerInput();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The error that stopped the monitor, or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    /** Active tasks this instance runs now: its share of the input partitions. */
    public int tasks() {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    /** Blocks until the monitor fails or the thread is interrupted. */
    public void awaitFailure() throws InterruptedException {
        failed.await();
    }

    @Override
    public void close() {
        // Leave the group at once, so that another instance takes over without waiting out a session.
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        streamsMetrics.close();
        registry.remove(lagGauge);
    }
}
