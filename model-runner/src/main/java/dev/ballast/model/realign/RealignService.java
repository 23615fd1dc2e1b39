package dev.ballast.model.realign;

import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.JobStatus;
import dev.ballast.events.PreferencePair;
import dev.ballast.events.RealignJob;
import dev.ballast.events.RedactedSettings;
import dev.ballast.events.TopicDrain;
import dev.ballast.events.TriageDecision;
import dev.ballast.model.metrics.SeparateKafkaClientMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * model-runner's job executor: takes jobs from {@code realign.jobs} in a consumer group, reads
 * the data their selector names, runs them with its {@link JobLauncher} one at a time, and reports
 * {@link JobStatus} on {@code realign.status}: QUEUED, RUNNING with progress, then SUCCEEDED or
 * FAILED. A job's offset is committed after its final status, and a job whose final status is
 * already on the status topic is not run again, so a restart re-runs at most the job it was in.
 * A job that cannot be read is reported FAILED with the reason; nothing a job says stops the service.
 */
public final class RealignService implements AutoCloseable {
    /** Where jobs come from and statuses go. */
    public record Settings(String bootstrapServers, String groupId, String jobsTopic, String statusTopic,
                           Map<String, String> clientOverrides, String modelDir, RealignSettings training) {
        public Settings {
            clientOverrides = RedactedSettings.hiding(clientOverrides);
        }
    }

    private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);
    /** Prefix of the executor's Kafka client meters: {@code ballast.realign.kafka.consumer.*} and {@code .producer.*}. */
    public static final String METER_PREFIX = "ballast.realign";
    private final Settings settings;
    private final JobLauncher launcher;
    private final Consumer<String> log;
    private final Clock clock;
    private final AtomicBoolean active = new AtomicBoolean(true);
    private final AtomicInteger running = new AtomicInteger();
    private final MeterRegistry registry;
    private final Timer duration;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<JobStatus> finished = Collections.synchronizedList(new ArrayList<>());
    private Thread thread;

    public RealignService(Settings settings, JobLauncher launcher, Consumer<String> log, Clock clock,
                          MeterRegistry registry) {
        this.settings = settings;
        this.launcher = launcher;
        this.log = log;
        this.clock = clock;
        this.registry = registry;
        Gauge.builder("ballast.realign.jobs.running", running, AtomicInteger::get)
                .description("Re-alignment jobs this executor is running").register(registry);
        // Both outcomes exist from the start, so "no job failed" reads 0 rather than no data.
        finishedCounter(JobStatus.State.SUCCEEDED);
        finishedCounter(JobStatus.State.FAILED);
        this.duration = Timer.builder("ballast.realign.job.duration")
                .description("Wall time of finished re-alignment jobs, from QUEUED to the final status")
                .register(registry);
    }

    public void start() {
        thread = new Thread(this::loop, "ballast-realign");
        thread.setDaemon(true);
        thread.start();
    }

    /** Final statuses of the jobs this instance ran or could not read, in order. */
    public List<JobStatus> finished() {
        return List.copyOf(finished);
    }

    public Throwable failure() {
        return failure.get();
    }

    private Properties clientProps() {
        Properties p = new Properties();
        p.putAll(settings.clientOverrides());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        return p;
    }

    private void loop() {
        Properties c = clientProps();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // One job per poll, and a job may train for a long time between polls.
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofHours(6).toMillis());
        Properties p = clientProps();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                     new ByteArraySerializer());
             // Operators see the executor's lag on the jobs topic and its status writes beside its
             // job meters, named apart so they cannot displace other clients' Kafka meters.
             SeparateKafkaClientMeters consumerMeters = SeparateKafkaClientMeters.of(consumer, METER_PREFIX, registry);
             SeparateKafkaClientMeters producerMeters = SeparateKafkaClientMeters.of(producer, METER_PREFIX, registry)) {
            consumer.subscribe(List.of(settings.jobsTopic()));
            while (active.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    handle(record, producer);
                    consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        } catch (RuntimeException e) {
            failure.set(e);
            log.accept("realign: stopped: " + e.getMessage());
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record, KafkaProducer<String, byte[]> producer) {
        Decoded<RealignJob> decoded = EventJson.readRealignJob(record.value());
        String key = record.key() == null ? "unknown" : new String(record.key(), StandardCharsets.UTF_8);
        if (!(decoded instanceof Decoded.Ok<RealignJob> ok)) {
            finish(producer, new JobStatus(key, JobStatus.State.FAILED, launcher.device(), Map.of(), null,
                    "unreadable job: " + ((Decoded.Rejected<RealignJob>) decoded).reason(), clock.instant()));
            return;
        }
        RealignJob job = ok.value();
        if (alreadyFinished(job.jobId())) {
            log.accept("realign: " + job.jobId() + " already finished; not run again");
            return;
        }
        report(producer, status(job, JobStatus.State.QUEUED, Map.of(), null, null));
        long startedAt = System.nanoTime();
        running.incrementAndGet();
        JobResult result;
        try {
            Read read = read(job);
            JobData data = read.data();
            if (read.unreadableDecisions() + read.unreadablePairs() > 0) {
                log.accept("realign: " + job.jobId() + ": skipped " + read.unreadableDecisions()
                        + " unreadable triage decisions and " + read.unreadablePairs() + " unreadable pairs");
            }
            report(producer, status(job, JobStatus.State.RUNNING, new TreeMap<>(Map.of("decisions",
                    (double) data.decisions().size(), "pairs", (double) data.pairs().size(), "unreadableDecisions",
                    (double) read.unreadableDecisions(), "unreadablePairs", (double) read.unreadablePairs())), null, null));
            JobSpec spec = new JobSpec(job, settings.bootstrapServers(), settings.statusTopic(), settings.modelDir(),
                    settings.training());
            result = launcher.run(spec, data, (metrics, line) -> {
                if (line != null) {
                    log.accept("realign: " + line);
                }
                if (!metrics.isEmpty()) {
                    report(producer, status(job, JobStatus.State.RUNNING, metrics, null, null));
                }
            });
        } catch (RuntimeException e) {
            result = JobResult.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        running.decrementAndGet();
        duration.record(System.nanoTime() - startedAt, TimeUnit.NANOSECONDS);
        finish(producer, status(job, result.succeeded() ? JobStatus.State.SUCCEEDED : JobStatus.State.FAILED,
                result.metrics(), result.modelVersion(), result.error()));
    }

    /** Reports a job's final status, counts it and logs it; the job's offset is committed after this. */
    private void finish(KafkaProducer<String, byte[]> producer, JobStatus last) {
        report(producer, last);
        producer.flush();
        finished.add(last);
        finishedCounter(last.state()).increment();
        log.accept("realign: " + last.jobId() + " " + last.state() + (last.modelVersion() != null
                ? ", model " + last.modelVersion() : "") + (last.error() != null ? ": " + last.error() : ""));
    }

    private Counter finishedCounter(JobStatus.State state) {
        return Counter.builder("ballast.realign.jobs.finished").tag("state", state.name())
                .description("Re-alignment jobs finished, by final state").register(registry);
    }

    private JobStatus status(RealignJob job, JobStatus.State state, Map<String, Double> metrics, String version,
                             String error) {
        return new JobStatus(job.jobId(), state, launcher.device(), metrics, version, error, clock.instant());
    }

    private void report(KafkaProducer<String, byte[]> producer, JobStatus status) {
        producer.send(new ProducerRecord<>(settings.statusTopic(), status.jobId(), EventJson.write(status)));
    }

    private boolean alreadyFinished(String jobId) {
        for (ConsumerRecord<byte[], byte[]> r : snapshot(settings.statusTopic())) {
            if (EventJson.read(EventJson.LENIENT, r.value(), JobStatus.class, s -> "") instanceof Decoded.Ok<JobStatus> s
                    && jobId.equals(s.value().jobId()) && s.value().state() != null && s.value().state().terminal()) {
                return true;
            }
        }
        return false;
    }

    /** The job's data, and how many records on its topics could not be read (skipped, reported). */
    private record Read(JobData data, long unreadableDecisions, long unreadablePairs) {
    }

    private Read read(RealignJob job) {
        Map<String, String> selector = job.datasetSelector() == null ? Map.of() : job.datasetSelector();
        String triageTopic = selector.get(RealignJob.TRIAGE_TOPIC);
        String preferencesTopic = selector.get(RealignJob.PREFERENCES_TOPIC);
        if (triageTopic == null || preferencesTopic == null) {
            throw new IllegalArgumentException("job " + job.jobId() + " names no triage or preferences topic");
        }
        List<TriageDecision> decisions = new ArrayList<>();
        long unreadableDecisions = 0;
        for (ConsumerRecord<byte[], byte[]> r : snapshot(triageTopic)) {
            if (EventJson.readTriageDecision(r.value()) instanceof Decoded.Ok<TriageDecision> d) {
                decisions.add(d.value());
            } else {
                unreadableDecisions++;
            }
        }
        List<TriageDecision> selected = TriageSelection.select(decisions,
                selector.getOrDefault(RealignJob.POLICY_VERSION, job.policyVersion()));
        Set<String> wanted = new HashSet<>();
        selected.forEach(d -> wanted.add(d.pairId()));
        Map<String, PreferencePair> pairs = new HashMap<>();
        long unreadablePairs = 0;
        for (ConsumerRecord<byte[], byte[]> r : snapshot(preferencesTopic)) {
            if (EventJson.readPreferencePair(r.value()) instanceof Decoded.Ok<PreferencePair> ok) {
                if (wanted.contains(ok.value().pairId())) {
                    pairs.put(ok.value().pairId(), ok.value());
                }
            } else {
                unreadablePairs++;
            }
        }
        return new Read(new JobData(selected, pairs), unreadableDecisions, unreadablePairs);
    }

    private List<ConsumerRecord<byte[], byte[]>> snapshot(String topic) {
        return TopicDrain.read(settings.bootstrapServers(), settings.clientOverrides(), topic, Map.of(), READ_TIMEOUT);
    }

    @Override
    public void close() {
        active.set(false);
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
