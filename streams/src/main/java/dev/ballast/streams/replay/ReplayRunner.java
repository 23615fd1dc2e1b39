package dev.ballast.streams.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.DeadLetterHeaders;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.FieldProblems;
import dev.ballast.events.GateDecision;
import dev.ballast.events.JobStatus;
import dev.ballast.events.Policy;
import dev.ballast.events.RealignJob;
import dev.ballast.events.TriageDecision;
import dev.ballast.events.Interaction;
import dev.ballast.events.JsonSerde;
import dev.ballast.events.TopicDrain;
import dev.ballast.model.service.ScoringService;
import dev.ballast.model.service.ScoringSettings;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.eval.EventPositions;
import dev.ballast.streams.kafka.ClusterCheck;
import dev.ballast.streams.kafka.ClusterWatch;
import dev.ballast.streams.kafka.ClusterException;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.ProcessingWatcher;
import dev.ballast.streams.kafka.TemporaryDirectory;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.InputEnd;
import dev.ballast.streams.monitor.IntakeProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Feeds replay input files through the real pipeline and collects what it produced. Policies are
 * produced first and awaited, then the other files in their line order; completion is decided
 * from the monitor's committed offsets ({@link ProcessingWatcher}), never from a sleep.
 *
 * <p>Against an external cluster every topic name gets a {@code replay.<run>.} prefix and the
 * application id is unique per run, so a replay never mixes with live traffic or earlier replays.
 *
 * <p>Replay topics have {@code topic.partitions} partitions. Monitor tasks then run ahead of each
 * other by thousands of records; the group monitor restores event-time order from their
 * watermarks, and a replay is complete only once it holds no signal any more: when every record
 * has been processed, the replay tells the monitor its input has ended, and the last held signals
 * are judged.
 */
public final class ReplayRunner {
    /** Longest time without any committed progress before a replay is declared stuck. */
    private static final Duration STALL = Duration.ofMinutes(2);
    /** How a run's summary names the re-alignment jobs among its processors, when it ran them. */
    public static final String JOBS_PROCESSOR = "model-runner jobs";
    /** Least time between two progress lines. */
    private static final long PROGRESS_NANOS = 2_000_000_000L;
    private final BallastConfig config;
    private final PrintStream log;
    private Path jobModels;
    private Set<String> placing = Set.of();
    private boolean runsJobs = true;

    /**
     * Everything a replay produced, where the alerts' trigger events and the {@link #placing}
     * events sit in their agents' streams (for scoring against ground truth), and the plotted
     * agents' violation flags per event ({@link AgentTimelines}).
     */
    public record Result(ReplaySummary summary, List<Alert> alerts, List<DeadLetterLine> deadLetters,
                         EventPositions positions, List<GateDecision> gateDecisions, List<TriageDecision> triage,
                         List<RealignJob> jobs, List<JobStatus> jobStatuses, Map<String, boolean[]> agentViolations) {
    }

    public ReplayRunner(BallastConfig config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    /**
     * Where re-alignment jobs keep the model versions they train (a copy of the version in force,
     * then theirs); without it, a temporary directory deleted after the run.
     */
    public ReplayRunner jobModels(Path dir) {
        this.jobModels = dir;
        return this;
    }

    /**
     * Events, besides the alerts' trigger events, whose position in their agent's stream the
     * result must give: a ground truth's change events, to score against.
     */
    public ReplayRunner placing(Set<String> eventIds) {
        this.placing = Set.copyOf(eventIds);
        return this;
    }

    /**
     * Leaves the re-alignment jobs the trigger creates (they are in the result) unrun: for a run
     * that scores detection only, where training a model would take most of its time for nothing.
     */
    public ReplayRunner withoutRunningJobs() {
        this.runsJobs = false;
        return this;
    }

    public Result run(ReplayInputs inputs, BallastMetrics metrics) {
        if (inputs.has(ReplayInputs.CANDIDATES)) {
            config.requireScoringModel();
        }
        if (!config.embedded()) {
            ClusterCheck.require(config);
        }
        EmbeddedKafka kafka = config.embedded() ? EmbeddedKafka.start() : null;
        TemporaryDirectory stateDir = null;
        try {
            String runId = UUID.randomUUID().toString().substring(0, 8);
            stateDir = TemporaryDirectory.create("ballast-replay-state-");
            BallastConfig run = runConfig(kafka, runId, stateDir.path());
            return replay(run, runId, inputs, metrics, kafka == null ? run.bootstrapServers() : "embedded");
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        } finally {
            if (kafka != null) {
                kafka.close();
            }
            if (stateDir != null) {
                stateDir.close();
            }
        }
    }

    private BallastConfig runConfig(EmbeddedKafka kafka, String runId, Path stateDir) {
        // A bounded input ends explicitly (InputEnd), so the group monitor never needs to stop
        // waiting for an idle task, which in a backlog is more often starved than done.
        BallastConfig run = config.with("application.id", "ballast-replay-" + runId)
                .with("diffusion.max.hold.ms", "0")
                .with("state.dir", stateDir.toString())
                .with("model.group.id", "ballast-model-runner-replay-" + runId)
                .with("model.transactional.id", "ballast-model-runner-replay-" + runId);
        if (kafka != null) {
            return run.with("bootstrap.servers", kafka.bootstrapServers());
        }
        String prefix = "replay." + runId + ".";
        BallastConfig.TopicNames t = config.topics();
        return run.with("topic.interactions", prefix + t.interactions()).with("topic.policies", prefix + t.policies())
                .with("topic.candidates", prefix + t.candidates()).with("topic.preferences", prefix + t.preferences())
                .with("topic.scored", prefix + t.scored()).with("topic.accepted", prefix + t.accepted())
                .with("topic.quarantined", prefix + t.quarantined()).with("topic.triage", prefix + t.triage())
                .with("topic.jobs", prefix + t.jobs()).with("topic.status", prefix + t.status())
                .with("topic.alerts", prefix + t.alerts()).with("topic.dlq", prefix + t.dlq());
    }

    private Result replay(BallastConfig run, String runId, ReplayInputs inputs, BallastMetrics metrics,
                          String clusterName)
            throws ExecutionException, InterruptedException {
        BallastConfig.TopicNames t = run.topics();
        Map<String, String> topicOf = Map.of(ReplayInputs.POLICIES, t.policies(),
                ReplayInputs.INTERACTIONS, t.interactions(), ReplayInputs.CANDIDATES, t.candidates(),
                ReplayInputs.PREFERENCES, t.preferences());
        Map<String, String> keyField = Map.of(ReplayInputs.INTERACTIONS, "agentId",
                ReplayInputs.CANDIDATES, "sampleId", ReplayInputs.PREFERENCES, "pairId");
        boolean gating = inputs.has(ReplayInputs.CANDIDATES);
        List<String> watched = new ArrayList<>(List.of(t.policies(), t.interactions()));
        if (gating) {
            watched.addAll(List.of(t.candidates(), t.scored()));
        }
        // The trigger reads the alerts and triage decisions this application writes.
        watched.addAll(List.of(t.preferences(), t.triage(), t.alerts()));
        ScoringSettings scoring = run.scoringSettings();
        if (gating) {
            ScoringService.prepareModel(scoring, line -> log.println("model-runner: " + line));
        }
        Properties adminProps = MonitorService.adminProps(run);
        long started = System.nanoTime();
        try (MonitorService monitor = new MonitorService(run, metrics, Clock.systemUTC(), InputEnd.bounded());
             ScoringService scorer = gating ? new ScoringService(scoring, metrics.registry()) : null;
             Admin admin = Admin.create(adminProps);
             ProcessingWatcher watcher = new ProcessingWatcher(admin, run.bootstrapServers(), run.clientOverrides(),
                     run.applicationId());
             ProcessingWatcher scoringWatcher = new ProcessingWatcher(admin, run.bootstrapServers(),
                     run.clientOverrides(), scoring.groupId());
             KafkaProducer<String, byte[]> producer = producer(run);
             ClusterWatch clusterWatch = ClusterWatch.start(run, "replay", metrics.registry())) {
            monitor.start(Duration.ofSeconds(60));
            if (scorer != null) {
                scorer.start(Duration.ofSeconds(120));
                log.printf("replay: model-runner scoring with model %s%n", scorer.modelVersion());
            }
            Progressing pipeline = new Progressing("monitor", monitor::failure, () -> "monitor state " + monitor.state());
            Map<TopicPartition, Long> alertsFrom = endOffsets(run, t.alerts());
            Map<TopicPartition, Long> dlqFrom = endOffsets(run, t.dlq());
            Map<TopicPartition, Long> acceptedFrom = endOffsets(run, t.accepted());
            Map<TopicPartition, Long> quarantinedFrom = endOffsets(run, t.quarantined());
            Map<TopicPartition, Long> triageFrom = endOffsets(run, t.triage());
            Map<TopicPartition, Long> jobsFrom = endOffsets(run, t.jobs());
            Map<String, ReplaySummary.InputFile> produced = new LinkedHashMap<>();
            SendFailures sends = new SendFailures(run.bootstrapServers());
            for (String file : ReplayInputs.ORDER) {
                if (!inputs.has(file)) {
                    continue;
                }
                String topic = topicOf.get(file);
                long[] sent = {0};
                long checked = inputs.files().get(file).records();
                long[] lastPrint = {System.nanoTime()};
                inputs.forEach(file, (i, bytes, length) -> {
                    sent[0]++;
                    // A large file takes minutes to produce: say how far it got, as the wait below does.
                    if ((sent[0] & 0xFFFF) == 0 && System.nanoTime() - lastPrint[0] > PROGRESS_NANOS) {
                        lastPrint[0] = System.nanoTime();
                        log.printf("replay: producing %s: %,d / %,d records (%.0f%%)%n", file, sent[0], checked,
                                100.0 * sent[0] / Math.max(1, checked));
                    }
                    if (length > run.maxRecordBytes()) {
                        deadLetterTooLarge(producer, run, topic, bytes, length, metrics, sends);
                        return;
                    }
                    String key;
                    if (file.equals(ReplayInputs.INTERACTIONS)
                            && EventJson.readInteraction(bytes) instanceof Decoded.Ok<Interaction> ok) {
                        key = ok.value().agentId();
                    } else if (file.equals(ReplayInputs.POLICIES)) {
                        key = policyKey(bytes, i + 1);
                    } else {
                        key = keyOf(bytes, keyField.get(file));
                    }
                    producer.send(new ProducerRecord<>(topic, key, bytes), sends);
                });
                producer.flush();
                sends.check();
                produced.put(file, new ReplaySummary.InputFile(topic, sent[0]));
                log.printf("replay: produced %,d records of %s to %s%n", sent[0], file, topic);
                if (sent[0] != checked) {
                    log.printf("replay: %s changed while it was replayed (%,d records when checked, %,d produced): "
                            + "replay a copy of a log that is still being written%n", file, checked, sent[0]);
                }
                if (file.equals(ReplayInputs.POLICIES)) {
                    // Every version is in force before any pair arrives: no re-triage of stored
                    // pairs (which runs on the clock, out of sight of input offsets) is ever pending.
                    await(pipeline, watcher, List.of(t.policies()));
                }
            }
            if (scorer != null) {
                await(new Progressing("model-runner", scorer::failure, () -> "model " + scorer.modelVersion()),
                        scoringWatcher, List.of(t.candidates()));
            }
            await(pipeline, watcher, watched);
            monitor.endOfInput();
            awaitHeld(pipeline, metrics);
            // Signals released at the end may raise alerts, which the trigger reads in turn.
            await(pipeline, watcher, watched);
            monitor.endOfTriggerInput();
            List<RealignJob> jobs = awaitCommitted(pipeline, metrics::triggerInputsHeld, metrics::realignJobsCreated,
                    () -> read(run, t.jobs(), jobsFrom, RealignJob.class), "jobs");
            // Listed in the order the trigger created them, which a jobs topic created elsewhere
            // with several partitions would not keep.
            jobs.sort(Comparator.comparing(RealignJob::createdAt).thenComparing(RealignJob::jobId));
            List<TriageDecision> triage = read(run, t.triage(), triageFrom, TriageDecision.class);
            List<JobStatus> statuses = runsJobs ? runJobs(run, runId, jobs, scoring, metrics.registry()) : List.of();
            if (!runsJobs && !jobs.isEmpty()) {
                log.printf("replay: %d re-alignment job(s) created by the trigger, not run%n", jobs.size());
            }
            List<Alert> alerts = readAlerts(run, t.alerts(), alertsFrom);
            long placingFrom = System.nanoTime();
            AlertPlacement placed = AlertPlacement.read(inputs, alerts, placing, run.maxRecordBytes());
            double placingSeconds = (System.nanoTime() - placingFrom) / 1e9;
            if (placingSeconds >= 5) {
                log.printf(Locale.ROOT, "replay: placed %,d alerts in their agents' streams in %.1f s (a second read of "
                        + "%s)%n", alerts.size(), placingSeconds, ReplayInputs.INTERACTIONS);
            }
            List<DeadLetterLine> dead = readDeadLetters(run, t.dlq(), dlqFrom);
            List<GateDecision> gate = awaitCommitted(pipeline, metrics::gatePairsHeld, metrics::gateDecisionsMade, () -> {
                List<GateDecision> both = new ArrayList<>(read(run, t.accepted(), acceptedFrom, GateDecision.class));
                both.addAll(read(run, t.quarantined(), quarantinedFrom, GateDecision.class));
                return both;
            }, "gate decisions");
            gate.sort(Comparator.comparing(GateDecision::sampleId));
            double elapsed = (System.nanoTime() - started) / 1e9;
            Map<String, Long> perTopic = new LinkedHashMap<>();
            produced.values().forEach(f -> perTopic.put(f.topic(), f.records()));
            perTopic.put(t.alerts(), (long) alerts.size());
            Map<String, Long> decisions = new LinkedHashMap<>();
            for (GateDecision.Decision d : GateDecision.Decision.values()) {
                decisions.put(d.name(), gate.stream().filter(g -> g.decision() == d).count());
            }
            perTopic.put(t.accepted(), decisions.get(GateDecision.Decision.ACCEPT.name()));
            perTopic.put(t.quarantined(), decisions.get(GateDecision.Decision.QUARANTINE.name()));
            perTopic.put(t.dlq(), (long) dead.size());
            Map<String, Long> byType = new LinkedHashMap<>();
            for (AlertType type : AlertType.values()) {
                byType.put(type.name(), alerts.stream().filter(a -> a.type() == type).count());
            }
            perTopic.put(t.triage(), (long) triage.size());
            perTopic.put(t.jobs(), (long) jobs.size());
            Map<String, Long> triageByAction = new LinkedHashMap<>();
            for (TriageDecision.Action a : TriageDecision.Action.values()) {
                triageByAction.put(a.name(), triage.stream().filter(d -> d.action() == a).count());
            }
            Map<String, Long> jobsByState = new LinkedHashMap<>();
            statuses.forEach(st -> jobsByState.merge(st.state().name(), 1L, Long::sum));
            List<String> processors = new ArrayList<>(List.of("monitor"));
            if (gating) {
                processors.addAll(List.of("model-runner", "gate"));
            }
            processors.addAll(List.of("triage", "trigger"));
            if (runsJobs && !jobs.isEmpty()) {
                processors.add(JOBS_PROCESSOR);
            }
            // Judged, not read: the monitor dead-letters re-sent and far-future interactions too.
            long judged = (long) (metrics.interactionsCount(true) + metrics.interactionsCount(false));
            ReplaySummary summary = new ReplaySummary(clusterName, produced, perTopic, placed.positions().agents(), judged,
                    (long) metrics.interactionsCount(true), byType, dead.size(),
                    processors, List.of(), Math.round(elapsed * 100) / 100.0, Math.round(judged / elapsed), decisions,
                    scorer == null ? null : scorer.modelVersion(), triageByAction, jobsByState,
                    metrics.groupSignalsOutOfOrder(), metrics.untrackedGroupSignals(), metrics.rewardsLeftOut(),
                    dead.stream().filter(d -> t.policies().equals(d.sourceTopic())).count());
            return new Result(summary, alerts, dead, placed.positions(), gate, triage, jobs, statuses,
                    placed.timelines().flags());
        }
    }

    /** A running service whose committed progress a replay waits on. */
    private record Progressing(String name, Supplier<Throwable> failure, Supplier<String> state) {
    }

    private void await(Progressing service, ProcessingWatcher watcher, List<String> sources)
            throws ExecutionException, InterruptedException {
        long lastProgressAt = System.nanoTime();
        long lastProcessed = -1;
        long lastPrint = System.nanoTime();
        long t0 = lastPrint;
        long startedAt = watcher.progress(sources).processed();
        while (!watcher.caughtUp(sources)) {
            failIfStopped(service);
            ProcessingWatcher.Progress p = watcher.progress(sources);
            long now = System.nanoTime();
            if (p.processed() != lastProcessed) {
                lastProcessed = p.processed();
                lastProgressAt = now;
            } else if (now - lastProgressAt > STALL.toNanos()) {
                throw new IllegalStateException("no progress for " + STALL.toMinutes() + " minutes at " + p.processed()
                        + "/" + p.total() + " records (" + service.state().get() + ")");
            }
            if (now - lastPrint > PROGRESS_NANOS) {
                lastPrint = now;
                log.printf("replay: %s processed %,d / %,d records (%.0f%%), %,.0f records/s%s%n", service.name(),
                        p.processed(), p.total(), 100 * p.fraction(), (p.processed() - startedAt) / Math.max(1e-9, (now - t0) / 1e9),
                        p.processed() < p.total() ? "" : stillWorking(watcher));
            }
            Thread.sleep(100);
        }
    }

    /**
     * What keeps a replay waiting once every input record is processed: the internal steps still
     * working through what the inputs produced (a group monitor judging group signals behind the
     * agent monitor could otherwise sit at "100%" for a minute and look stuck).
     */
    private static String stillWorking(ProcessingWatcher watcher) throws ExecutionException, InterruptedException {
        List<String> behind = new ArrayList<>();
        watcher.internalProgress().forEach((step, q) -> {
            if (q.processed() < q.total()) {
                behind.add(String.format("%s %,d / %,d (%d%%)", step, q.processed(), q.total(), (int) (100 * q.fraction())));
            }
        });
        return behind.isEmpty() ? "" : "; still working through " + String.join(", ", behind);
    }

    private static void failIfStopped(Progressing service) {
        Throwable failed = service.failure().get();
        if (failed != null) {
            throw new IllegalStateException(service.name() + " failed: " + failed.getMessage(), failed);
        }
    }

    /**
     * Waits until the group monitor holds no signal and the gate no scored candidate. Committed
     * offsets cannot show this, since a held record is already consumed.
     */
    private void awaitHeld(Progressing service, BallastMetrics metrics) throws InterruptedException {
        long since = System.nanoTime();
        while (metrics.groupSignalsHeld() > 0 || metrics.gatePairsHeld() > 0) {
            failIfStopped(service);
            if (System.nanoTime() - since > STALL.toNanos()) {
                throw new IllegalStateException(metrics.groupSignalsHeld() + " group signals and "
                        + metrics.gatePairsHeld() + " scored candidates still held after " + STALL.toMinutes()
                        + " minutes (" + service.state().get() + ")");
            }
            Thread.sleep(100);
        }
    }

    /**
     * Waits until a processor holding records back for event-time order ({@code held}) has
     * released them all and everything it made ({@code made}, counted as it forwards) is
     * committed; returns what {@code read} then finds.
     */
    private <T> List<T> awaitCommitted(Progressing service, LongSupplier held, DoubleSupplier made,
                                       Supplier<List<T>> read, String what) throws InterruptedException {
        long since = System.nanoTime();
        while (true) {
            failIfStopped(service);
            if (held.getAsLong() == 0) {
                List<T> committed = new ArrayList<>(read.get());
                if (committed.size() >= made.getAsDouble()) {
                    return committed;
                }
            }
            if (System.nanoTime() - since > STALL.toNanos()) {
                throw new IllegalStateException(held.getAsLong() + " records still held, or " + what
                        + " not committed, after " + STALL.toMinutes() + " minutes (" + service.state().get() + ")");
            }
            Thread.sleep(100);
        }
    }

    /**
     * A policy line's key on the compacted policy topic: one per version ({@link Policy#versionKey}),
     * so that compaction keeps every version and a monitor started later still judges old
     * interactions by the version then in force. The topic refuses unkeyed records (and the batch
     * around them), so a line with no readable id and version is keyed by its line number and
     * still reaches the intake to be dead-lettered.
     */
    public static String policyKey(byte[] line, long lineNumber) {
        return EventJson.readPolicy(line) instanceof Decoded.Ok<Policy> ok && ok.value().policyId() != null
                && ok.value().policyId().length() <= FieldProblems.MAX_ID_CHARS
                && ok.value().version() != null ? ok.value().versionKey() : "unreadable-line-" + lineNumber;
    }

    /**
     * The id {@code field} of a line as its record key, or none: an id over {@link
     * FieldProblems#MAX_ID_CHARS} would make key and line together too large to send, and the
     * intake dead-letters the line for it anyway.
     */
    private static String keyOf(byte[] line, String field) {
        try {
            JsonNode node = EventJson.LENIENT.readTree(line);
            JsonNode key = node == null ? null : node.get(field);
            return key != null && key.isTextual() && key.asText().length() <= FieldProblems.MAX_ID_CHARS
                    ? key.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static List<Alert> readAlerts(BallastConfig run, String topic, Map<TopicPartition, Long> from) {
        List<Alert> alerts = read(run, topic, from, Alert.class);
        alerts.sort(Comparator.comparing(Alert::eventTimestamp).thenComparing(a -> String.valueOf(a.agentId())));
        return alerts;
    }

    private List<JobStatus> runJobs(BallastConfig run, String runId, List<RealignJob> jobs, ScoringSettings scoring,
                                    MeterRegistry registry)
            throws InterruptedException {
        if (jobs.isEmpty()) {
            return List.of();
        }
        String base = ScoringService.prepareModel(scoring, line -> log.println("model-runner: " + line));
        if (jobModels != null) {
            return RealignRun.run(run, jobs, base, jobModels, runId, registry, log);
        }
        try (TemporaryDirectory temporary = TemporaryDirectory.create("ballast-replay-models-")) {
            return RealignRun.run(run, jobs, base, temporary.path(), runId, registry, log);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(BallastConfig run, String topic) {
        return TopicDrain.endOffsets(run.bootstrapServers(), run.clientOverrides(), topic, Duration.ofSeconds(60));
    }

    private static List<ConsumerRecord<byte[], byte[]>> drain(BallastConfig run, String topic,
                                                             Map<TopicPartition, Long> from) {
        return TopicDrain.read(run.bootstrapServers(), run.clientOverrides(), topic, from, Duration.ofSeconds(60));
    }

    private static <T> List<T> read(BallastConfig run, String topic, Map<TopicPartition, Long> from, Class<T> type) {
        var deserializer = JsonSerde.of(type).deserializer();
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : drain(run, topic, from)) {
            out.add(deserializer.deserialize(topic, r.value()));
        }
        return out;
    }

    private static List<DeadLetterLine> readDeadLetters(BallastConfig run, String topic,
                                                        Map<TopicPartition, Long> from) {
        List<DeadLetterLine> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : drain(run, topic, from)) {
            String partition = header(r, DeadLetterHeaders.SOURCE_PARTITION);
            String offset = header(r, DeadLetterHeaders.SOURCE_OFFSET);
            out.add(new DeadLetterLine(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                    r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8),
                    header(r, DeadLetterHeaders.ERROR), header(r, DeadLetterHeaders.SOURCE_TOPIC),
                    partition == null ? null : Integer.valueOf(partition), offset == null ? null : Long.valueOf(offset)));
        }
        out.sort(Comparator.comparing((DeadLetterLine d) -> String.valueOf(d.sourceTopic()))
                .thenComparing(d -> d.sourcePartition() == null ? -1 : d.sourcePartition())
                .thenComparing(d -> d.sourceOffset() == null ? -1 : d.sourceOffset()));
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * A line over {@code max.record.bytes} goes straight to the dead-letter topic, as the intake
     * would have sent it: the producer and broker limits are sized for records up to that bound,
     * and a line the producer refused would otherwise vanish without a trace.
     */
    private static void deadLetterTooLarge(KafkaProducer<String, byte[]> producer, BallastConfig run, String topic,
                                           byte[] line, long length, BallastMetrics metrics,
                                           SendFailures sends) {
        String reason = IntakeProcessor.tooLarge(length, run.maxRecordBytes());
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(run.topics().dlq(), null,
                IntakeProcessor.kept(line));
        DeadLetterHeaders.add(letter.headers(), reason, topic, null, null);
        producer.send(letter, sends);
        metrics.deadLetter(topic, reason);
        if (topic.equals(run.topics().policies())) {
            metrics.policyRejected();
        }
    }

    /** Remembers the first failed send, so that no record is lost without the replay saying so. */
    private static final class SendFailures implements Callback {
        private final String servers;
        private final AtomicReference<Exception> first = new AtomicReference<>();

        SendFailures(String servers) {
            this.servers = servers;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                first.compareAndSet(null, exception);
            }
        }

        void check() {
            Exception failed = first.get();
            if (failed != null) {
                throw new ClusterException("Kafka at " + servers + " did not take the input records: "
                        + failed.getMessage(), failed);
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer(BallastConfig run) {
        Properties p = new Properties();
        p.putAll(run.clientOverrides());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, run.bootstrapServers());
        // Replay is a bulk load: bigger batches, a short linger, compression.
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, run.maxRequestBytes());
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
