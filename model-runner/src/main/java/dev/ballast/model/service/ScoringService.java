package dev.ballast.model.service;

import dev.ballast.events.Candidate;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.ScoredCandidate;
import dev.ballast.model.DjlRuntime;
import dev.ballast.model.ModelLoader;
import dev.ballast.model.ModelSetupException;
import dev.ballast.model.ModelStore;
import dev.ballast.model.ScoringModel;
import dev.ballast.model.lm.TextSample;
import dev.ballast.model.scoring.LengthOrder;
import dev.ballast.model.scoring.SampleScore;
import dev.ballast.model.metrics.SeparateKafkaClientMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores every candidate on the candidates topic and writes it to the scored topic, exactly once:
 * each polled batch is scored, produced and its input offsets committed in one Kafka transaction,
 * so a crash repeats no committed output and loses no input. Output records keep their input's
 * timestamp, so the gate's stream time follows the candidates, not the scoring latency.
 *
 * <p>Malformed candidates are skipped here (and counted): the gate reads the same topic and
 * dead-letters them, once. A batch the model cannot score is written with {@code scoreError}, so
 * the gate quarantines it at once. Between batches the service checks the model store and
 * switches to a newly published version; one that cannot be opened leaves it scoring with the
 * model in use.
 *
 * <p>Meters: {@code ballast_model_samples_total{outcome=scored|failed|skipped}},
 * {@code ballast_model_batch_seconds}, {@code ballast_model_switches_total{outcome=switched|failed}},
 * and the Kafka client meters of its consumer (records lag) and producer as
 * {@code ballast_model_kafka_*}.
 */
public final class ScoringService implements AutoCloseable {
    /** Prefix of the scorer's Kafka client meters: named apart, they cannot displace other clients' Kafka meters. */
    public static final String METER_PREFIX = "ballast.model";
    private static final Logger LOG = LoggerFactory.getLogger(ScoringService.class);
    /** How long a published version that could not be opened waits before it is tried again. */
    static final Duration REOPEN_AFTER = Duration.ofSeconds(30);
    private final ScoringSettings settings;
    private final ModelLoader loader;
    private final MeterRegistry registry;
    private final Counter scored;
    private final Counter failed;
    private final Counter skipped;
    private final Counter switches;
    private final Counter switchFailures;
    private final Timer batchTimer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    /** Samples whose score was refused as too large, until one without its text is committed. */
    private final Set<String> refusedAsTooLarge = ConcurrentHashMap.newKeySet();
    private volatile Throwable failure;
    private volatile String modelVersion;
    /**
     * The store version (its directory under {@code model.dir}, as {@code CURRENT} names it) of the
     * model in use. A model of your own may call itself something else ({@link ScoringModel#version()}),
     * so switching compares directories: comparing with the model's own name reopened such a
     * model on every poll, five times a second.
     */
    private String openedVersion;
    /**
     * A published version that could not be opened, and when: tried again once {@code CURRENT}
     * names another, or after {@link #REOPEN_AFTER} (its directory may have been completed meanwhile).
     */
    private String unopenedVersion;
    private long unopenedAtNanos;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    public ScoringService(ScoringSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        this.loader = loader(settings);
        this.scored = samples("scored");
        this.failed = samples("failed");
        this.skipped = samples("skipped");
        this.switches = switchCounter("switched");
        this.switchFailures = switchCounter("failed");
        this.batchTimer = Timer.builder("ballast.model.batch").description("Time to score and commit one polled batch")
                .publishPercentileHistogram().register(registry);
        this.thread = new Thread(this::run, "ballast-scoring");
        thread.setDaemon(true);
    }

    private static ModelLoader loader(ScoringSettings settings) {
        DjlRuntime.prepare();
        return new ModelLoader(new ModelStore(settings.modelDir()), settings.device().resolve(), settings.gradLayers(),
                settings.modelClass());
    }

    /**
     * The model version {@code settings} will score with, training and caching the built-in model
     * first if the store holds none; call it in the foreground so a first run shows its progress.
     */
    public static String prepareModel(ScoringSettings settings, Consumer<String> progress) {
        return loader(settings).currentVersion(progress);
    }

    private Counter switchCounter(String outcome) {
        return Counter.builder("ballast.model.switches").tag("outcome", outcome)
                .description("Published model versions switched to while running, or that could not be opened")
                .register(registry);
    }

    private Counter samples(String outcome) {
        return Counter.builder("ballast.model.samples").tag("outcome", outcome)
                .description("Candidates seen by the scoring service, by outcome").register(registry);
    }

    /** Starts scoring; returns once the model is loaded and the service is polling, or fails. */
    public void start(Duration timeout) {
        thread.start();
        try {
            if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("model-runner not ready within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the model-runner", e);
        }
        if (failure instanceof ModelSetupException setup) {
            throw setup;
        }
        if (failure != null) {
            throw new IllegalStateException("model-runner failed to start: " + failure.getMessage(), failure);
        }
    }

    /** The error that stopped the service, or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    public String modelVersion() {
        return modelVersion;
    }

    /** Blocks until the service stops (close, or an error). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    private void run() {
        ScoringModel model = null;
        try {
            String version = loader.currentVersion(line -> LOG.info("{}", line));
            model = loader.open(version);
            openedVersion = version;
            modelVersion = model.version();
            LOG.info("model-runner scoring with model {} on {}", modelVersion, loader.device());
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(), new StringSerializer(),
                         new ByteArraySerializer());
                 SeparateKafkaClientMeters consumerMeters = SeparateKafkaClientMeters.of(c, METER_PREFIX, registry);
                 SeparateKafkaClientMeters producerMeters = SeparateKafkaClientMeters.of(producer, METER_PREFIX, registry)) {
                consumer = c;
                producer.initTransactions();
                c.subscribe(List.of(settings.candidatesTopic()));
                ready.countDown();
                while (running.get()) {
                    ConsumerRecords<byte[], byte[]> records = c.poll(settings.pollTimeout());
                    model = switchIfPublished(model);
                    if (!records.isEmpty()) {
                        ScoringModel current = model;
                        batchTimer.record(() -> processBatch(c, producer, current, records));
                    }
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                failure = e;
            }
        } catch (ProducerFencedException e) {
            // Expected when a second instance starts with the same settings: say which one to change.
            stopExpected(new IllegalStateException("another model-runner started with model.transactional.id "
                    + settings.transactionalId() + " and fenced this one, which stops so that no score is written "
                    + "twice; give each instance its own (BALLAST_MODEL_TRANSACTIONAL_ID)", e));
        } catch (ModelSetupException e) {
            stopExpected(e);
        } catch (LinkageError e) {
            // A model of your own that needs a class no jar on the classpath holds: every batch would
            // fail alike. The error's own message is the bare class name.
            stopExpected(new ModelSetupException("model " + modelVersion + " cannot run: " + e + "; "
                    + ModelLoader.WHERE_JARS_GO, e));
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("model-runner stopped: {}", e.getMessage(), e);
        } finally {
            if (model != null) {
                model.close();
            }
            ready.countDown();
            stopped.countDown();
        }
    }

    /**
     * Stops on a failure whose message says what to fix (model.class, the model store, the
     * transactional id): one line at ERROR, the trace at DEBUG for debugging.
     */
    private void stopExpected(Exception reason) {
        failure = reason;
        LOG.error("model-runner stopped: {}", reason.getMessage());
        LOG.debug("model-runner stopped", reason);
    }

    /**
     * The model to score the next batch with: the one published in {@code CURRENT} if it names
     * another version and that version opens, else the one in use. A version that cannot be
     * opened (a name mistyped in {@code CURRENT}, a directory still being copied) stopped every
     * running model-runner, and with them all scoring; now they go on with the model they have,
     * say so in the log and count it, and try again once {@code CURRENT} changes or after
     * {@link #REOPEN_AFTER}.
     */
    private ScoringModel switchIfPublished(ScoringModel model) {
        String published = loader.store().named().orElse(openedVersion);
        if (published.equals(openedVersion) || published.equals(unopenedVersion)
                && System.nanoTime() - unopenedAtNanos < REOPEN_AFTER.toNanos()) {
            return model;
        }
        ScoringModel next;
        try {
            next = loader.open(published);
        } catch (ModelSetupException e) {
            unopenedVersion = published;
            unopenedAtNanos = System.nanoTime();
            switchFailures.increment();
            LOG.error("model-runner cannot switch to published model version {} and goes on scoring with {}: {}",
                    published, model.version(), e.getMessage());
            LOG.debug("model switch failed", e);
            return model;
        }
        LOG.info("model-runner switching from model {} to {}", model.version(), next.version());
        model.close();
        openedVersion = published;
        unopenedVersion = null;
        modelVersion = next.version();
        switches.increment();
        return next;
    }

    private void processBatch(KafkaConsumer<byte[], byte[]> c, KafkaProducer<String, byte[]> producer,
                              ScoringModel model, ConsumerRecords<byte[], byte[]> records) {
        List<ConsumerRecord<byte[], byte[]>> valid = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            // What the gate dead-letters (unreadable, or over max.record.bytes) it never waits a score for.
            if (r.value() != null && r.value().length <= settings.maxCandidateBytes()
                    && EventJson.readCandidate(r.value()) instanceof Decoded.Ok<Candidate> ok) {
                valid.add(r);
                candidates.add(ok.value());
            } else {
                skipped.increment();
            }
        }
        List<ScoredCandidate> out = score(model, candidates);
        try {
            producer.beginTransaction();
            for (int i = 0; i < out.size(); i++) {
                ConsumerRecord<byte[], byte[]> in = valid.get(i);
                ScoredCandidate score = refusedAsTooLarge.contains(out.get(i).sampleId()) ? out.get(i).withoutText()
                        : out.get(i);
                producer.send(new ProducerRecord<>(settings.scoredTopic(), null, in.timestamp(), score.sampleId(),
                        EventJson.write(score)), (sent, e) -> refusedIfTooLarge(score, e));
            }
            producer.sendOffsetsToTransaction(offsets, c.groupMetadata());
            producer.commitTransaction();
            out.forEach(score -> refusedAsTooLarge.remove(score.sampleId()));
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            // Another instance took over this transactional id, or the cluster refuses us: nothing
            // this process can retry safely.
            throw e;
        } catch (KafkaException e) {
            LOG.warn("scoring transaction aborted, the batch will be scored again: {}", e.getMessage());
            producer.abortTransaction();
            rewind(c, offsets.keySet());
            return;
        }
        for (ScoredCandidate s : out) {
            (s.scored() ? scored : failed).increment();
        }
    }

    /**
     * Remembers a score the producer or the cluster refused as too large (a scored topic made
     * before this one, with a smaller {@code max.message.bytes}, or a smaller broker limit), so
     * that the aborted batch, scored again, sends it without its text rather than failing again
     * for ever: the gate pairs a score without text by its sampleId.
     */
    private void refusedIfTooLarge(ScoredCandidate score, Exception e) {
        if (e instanceof RecordTooLargeException && score.prompt() != null && refusedAsTooLarge.add(score.sampleId())) {
            LOG.warn("score of sample {} refused as too large ({}); it is sent again without its prompt and response",
                    score.sampleId(), e.getMessage());
        }
    }

    private List<ScoredCandidate> score(ScoringModel model, List<Candidate> candidates) {
        List<TextSample> samples = candidates.stream().map(c -> new TextSample(c.prompt(), c.response())).toList();
        int[] order = LengthOrder.of(samples);
        ScoredCandidate[] out = new ScoredCandidate[candidates.size()];
        for (int from = 0; from < order.length; from += settings.batchSize()) {
            int[] chunk = Arrays.copyOfRange(order, from, Math.min(order.length, from + settings.batchSize()));
            try {
                List<SampleScore> scores = model.score(Arrays.stream(chunk).mapToObj(samples::get).toList());
                for (int k = 0; k < chunk.length; k++) {
                    Candidate c = candidates.get(chunk[k]);
                    SampleScore s = scores.get(k);
                    out[chunk[k]] = Double.isFinite(s.gradNorm())
                            ? ScoredCandidate.of(c, s.gradNorm(), s.loss(), model.version())
                            : ScoredCandidate.failed(c, model.version(), "non-finite gradient norm");
                }
            } catch (RuntimeException e) {
                LOG.warn("model {} could not score a batch of {}: {}", model.version(), chunk.length, e.getMessage());
                for (int i : chunk) {
                    out[i] = ScoredCandidate.failed(candidates.get(i), model.version(),
                            truncate("scoring failed: " + e.getMessage(), ScoringSettings.MAX_SCORE_ERROR_CHARS));
                }
            }
        }
        return List.of(out);
    }

    private static String truncate(String text, int chars) {
        return text.length() <= chars ? text : text.substring(0, chars - 3) + "...";
    }

    /** Back to the last committed offsets, so an aborted batch is read and scored again. */
    private static void rewind(KafkaConsumer<byte[], byte[]> c, Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = c.committed(partitions);
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata at = committed.get(tp);
            if (at != null) {
                c.seek(tp, at.offset());
            } else {
                c.seekToBeginning(List.of(tp));
            }
        }
    }

    private Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        // Offsets are committed inside the producer's transactions, never on their own.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Only candidates from committed transactions (and plain producers) are scored.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        // A new group scores the topic from its start: no candidate may pass unscored.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // One poll is one transaction; a few batches per poll keeps the commit overhead small.
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchSize() * 4);
        p.putAll(settings.clientOverrides());
        return p;
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A score carries its candidate's text: one of the largest candidate must fit in a request.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.maxRequestBytes());
        p.putAll(settings.clientOverrides());
        return p;
    }

    @Override
    public void close() {
        running.set(false);
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (thread.isAlive() && !stopped.await(60, TimeUnit.SECONDS)) {
                LOG.warn("model-runner did not stop within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
