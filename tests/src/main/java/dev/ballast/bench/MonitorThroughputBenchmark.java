package dev.ballast.bench;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentStateCodec;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.ProcessingWatcher;
import dev.ballast.streams.kafka.TemporaryDirectory;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.MonitorTopology;
import dev.ballast.streams.replay.ReplayRunner;
import dev.ballast.streams.sim.CandidateSpec;
import dev.ballast.streams.sim.PreferenceSpec;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import dev.ballast.streams.sim.TippingSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Monitor throughput and latency against a raw kafka-clients consumer reading the same topic on
 * the same embedded broker, in one run. The raw consumer only fetches bytes (the floor any Kafka
 * reader pays); the monitor decodes, judges against the policy, updates RocksDB-backed detector
 * state and commits exactly-once.
 *
 * <p>Two phases. Throughput: a warm-up of {@code bench.warmup.agents} agents (default five times as
 * many as measured), then {@code bench.agents} agents (default 100,000), each with {@code bench.rounds}
 * events (default 10), are produced first; the monitor then starts, and its start-up (to RUNNING
 * and its first commit) is reported apart from its steady state, the rate between 10% and 90% of
 * the measured records committed, compared with the raw consumer's rate over the same share (read
 * twice before the monitor, the better kept, and once more after the exactly-once floor). The
 * warm-up is there because the JIT compilers, not the monitor, otherwise hold half a core or more
 * for the monitor's first half minute (the broker's code compiles in this JVM too; after a warm-up
 * of as many agents as measured they still held 0.5-0.8 cores through the measured window, after
 * five times as many 0.3); a long-running monitor pays that once. Latency: a drifting population
 * (300 agents, 300 rounds) is then produced at a fixed rate below capacity, and each alert's
 * latency is the time from its trigger event's send to the alert being readable (read_committed). Heap and state-store bytes per agent, and the time a
 * restart on the same state directory takes to run again, close the figures.
 * Writes {@code monitor-throughput.json}; it never fails on a timing.
 *
 * <p>Run: {@code mvn -B -Pbench -pl tests -am verify -DskipTests} (figures in {@code tests/target/bench}).
 */
public final class MonitorThroughputBenchmark {
    /** Names of Kafka Streams' processing threads (not its state updater's). */
    private static final String STREAM_THREAD = ".*-StreamThread-\\d+";
    private static final String LATE_AGENT = "late-agent-";

    private MonitorThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int agents = Integer.parseInt(System.getProperty("bench.agents", "100000"));
        int rounds = Integer.parseInt(System.getProperty("bench.rounds", "10"));
        int warmupAgents = Integer.parseInt(System.getProperty("bench.warmup.agents", Integer.toString(5 * agents)));
        int paceRate = Integer.parseInt(System.getProperty("bench.latency.rate", "5000"));
        Path out = Path.of(System.getProperty("bench.out", "target/bench"));
        String order = System.getProperty("bench.order", "rounds");
        if (!order.equals("rounds") && !order.equals("interleaved")) {
            throw new IllegalArgumentException("bench.order must be rounds or interleaved (got '" + order + "')");
        }
        boolean interleaved = order.equals("interleaved");
        List<Event> interactions = order(manyAgents(agents, rounds, ""), interleaved);
        Scenario drifting = new Simulator(new ScenarioSpec(300, 300, 2, 0.3, 0.3, 0, 0,
                ScenarioSpec.DEFAULT_START.plus(Duration.ofDays(30)), ScenarioSpec.GroupSpec.NONE, CandidateSpec.NONE,
                PreferenceSpec.NONE,
                TippingSpec.DEFAULT)).generate();
        // Deleted at the end, and by the next run if this one is killed: each run leaves about 100 MB.
        try (TemporaryDirectory state = TemporaryDirectory.create("ballast-bench-state-");
             EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Path stateDir = state.path();
            BallastConfig config = BallastConfig.defaults();
            // -Dbench.streams.commit.interval.ms=1000, -Dbench.monitor.agent.store=in-memory and the
            // like compare settings in one go.
            for (String name : System.getProperties().stringPropertyNames()) {
                if (name.startsWith("bench.streams.") || name.startsWith("bench.topic.")
                        || name.startsWith("bench.monitor.")) {
                    config = config.with(name.substring("bench.".length()), System.getProperty(name));
                }
            }
            config = config.with("bootstrap.servers", kafka.bootstrapServers())
                    .with("application.id", "bench-monitor").with("state.dir", stateDir.toString())
                    .with("metrics.port", "-1");
            BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("measuredAt", Instant.now().toString());
            figures.put("cores", Runtime.getRuntime().availableProcessors());
            figures.put("streamsOverrides", config.streamsOverrides());
            figures.put("agentStore", config.agentStore().toString());
            figures.put("order", order);
            long warmupRecords = 0;
            long records;
            Rate raw;
            Rate steady;
            int streamThreads;
            try (MonitorService monitor = new MonitorService(config, metrics);
                 Admin admin = Admin.create(adminProps(kafka.bootstrapServers()));
                 ProcessingWatcher watcher = new ProcessingWatcher(admin, kafka.bootstrapServers(), Map.of(),
                         config.applicationId())) {
                List<String> sources = List.of(config.topics().interactions(), config.topics().policies());
                try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                    for (String line : drifting.policyLines()) {
                        producer.send(new ProducerRecord<>(config.topics().policies(), ReplayRunner.policyKey(bytes(line), 0), bytes(line)));
                    }
                    // Made and sent a part at a time: five times the measured agents would not fit
                    // in the heap at once, besides the broker's.
                    for (int from = 0, part = 0; from < warmupAgents; from += agents, part++) {
                        List<Event> warmup = order(manyAgents(Math.min(agents, warmupAgents - from), rounds,
                                "warmup" + part + "-"), interleaved);
                        send(producer, config.topics().interactions(), warmup);
                        warmupRecords += warmup.size();
                    }
                    send(producer, config.topics().interactions(), interactions);
                }
                records = interactions.size();
                figures.put("warmupRecords", warmupRecords);
                figures.put("records", records);
                figures.put("agents", interactions.stream().map(Event::agentId).distinct().count());
                // The inputs are on the broker now; keep them out of the heap figure.
                interactions.clear();
                System.gc();
                long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                raw = rawConsume(kafka.bootstrapServers(), config.topics().interactions(), warmupRecords, records);
                raw = better(raw, rawConsume(kafka.bootstrapServers(), config.topics().interactions(), warmupRecords, records));

                long t0 = System.nanoTime();
                monitor.start(Duration.ofSeconds(120));
                double running = (System.nanoTime() - t0) / 1e9;
                streamThreads = monitor.streamThreads();
                figures.put("streamThreads", streamThreads);
                steady = steadyState(watcher, config.applicationId(), config.topics().interactions(), t0, warmupRecords,
                        records);
                while (!watcher.caughtUp(sources)) {
                    Thread.sleep(50);
                }
                double total = (System.nanoTime() - t0) / 1e9;
                figures.put("startupSecondsToRunning", round(running));
                figures.put("startupSecondsToFirstCommit", round(steady.firstCommitSeconds()));
                figures.put("monitorSecondsIncludingStartup", round(total));
                figures.put("rawConsumerRecordsPerSecond", perSecond(raw));
                figures.put("monitorSteadyRecordsPerSecond", perSecond(steady));
                figures.put("monitorToRawSteadyRatio", ratio(steady, raw));
                figures.put("monitorStreamThreadCpuShare", round(steady.streamThreadCpuShare()));
                figures.put("monitorStreamThreadTimeShares", steady.threadTimeShares());
                putCores(figures, "monitor", steady);
                putCores(figures, "rawConsumer", raw);
                figures.put("monitorRecordsPerSecondIncludingStartup", Math.round((warmupRecords + records) / total));

                Map<String, Object> latency = latency(kafka.bootstrapServers(), config, drifting, paceRate, watcher, sources);
                figures.put("latency", latency);

                System.gc();
                MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                long totalAgents = warmupAgents + agents + 300L;
                figures.put("heapUsedBytesAfterGc", heap.getUsed());
                figures.put("heapGrowthBytesPerAgent", Math.max(0, heap.getUsed() - heapBefore) / totalAgents);
                figures.put("agentStateBytesEncoded", AgentStateCodec.SIZE);
                long storeBytes = directoryBytes(stateDir, MonitorTopology.AGENT_STORE);
                figures.put("agentStoreBytesOnDisk", storeBytes);
                figures.put("agentStoreBytesOnDiskPerAgent", storeBytes / totalAgents);
                figures.put("alerts", metrics.alertCount(AlertType.TIPPING) + metrics.alertCount(AlertType.DRIFT));
            }
            // The same monitor started again on the same state directory after a clean stop: RocksDB
            // reopens its files where it checkpointed them, an in-memory store reads every agent back
            // from the changelog before the monitor runs.
            long restart = System.nanoTime();
            try (MonitorService restarted = new MonitorService(config, new BallastMetrics(new SimpleMeterRegistry()))) {
                restarted.start(Duration.ofMinutes(10));
                figures.put("restartSecondsToRunning", round((System.nanoTime() - restart) / 1e9));
            }
            // After the monitor has closed, so the two never share the cores; after its heap
            // figures, so the floor's memory is not in them.
            Rate floor = floor(ExactlyOnceFloor.Work.PARSE_AND_COUNT, config.agentStore(), kafka.bootstrapServers(),
                    config.topics().interactions(), stateDir, warmupRecords, records, streamThreads);
            putBaseline(figures, "Floor", floor, raw, steady);
            // The ceiling of any exactly-once Streams application here: what the platform costs
            // before any work per record.
            Rate readOnly = floor(ExactlyOnceFloor.Work.NONE, config.agentStore(), kafka.bootstrapServers(),
                    config.topics().interactions(), stateDir, warmupRecords, records, streamThreads);
            putBaseline(figures, "ReadOnly", readOnly, raw, steady);
            // Once more at the end: the raw rate moves between runs by as much as 3x, and a rate taken
            // only before the monitor cannot show whether the machine got slower or faster meanwhile.
            Rate rawAfter = rawConsume(kafka.bootstrapServers(), config.topics().interactions(), warmupRecords, records);
            figures.put("rawConsumerRecordsPerSecondAfterFloor", perSecond(rawAfter));
            putCores(figures, "rawConsumerAfterFloor", rawAfter);
            figures.put("monitorToRawAfterFloorRatio", ratio(steady, rawAfter));
            Files.createDirectories(out);
            Path file = out.resolve("monitor-throughput.json");
            Files.writeString(file, EventJson.LENIENT.writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n");
            System.out.println(Files.readString(file));
            System.out.println("written to " + file.toAbsolutePath());
        }
    }

    /**
     * {@code agents} agents with {@code rounds} events each. The simulator's agents need a long
     * history to tip, so its agents' histories are cut into spans of {@code rounds} events, each
     * span an agent of its own: realistic events, as many agents as asked, their ids prefixed
     * with {@code prefix}.
     */
    private static List<Event> manyAgents(int agents, int rounds, String prefix) {
        if (agents == 0) {
            // -Dbench.warmup.agents=0: a cold run, as the figures before the warm-up were taken.
            return new ArrayList<>();
        }
        int spans = Math.max(1, 1_000 / rounds);
        int simulated = (agents + spans - 1) / spans;
        Scenario scenario = new Simulator(new ScenarioSpec(simulated, spans * rounds, 1, 0.2, 0.1, 0.1, 0,
                ScenarioSpec.DEFAULT_START, ScenarioSpec.GroupSpec.NONE, CandidateSpec.NONE, PreferenceSpec.NONE,
                TippingSpec.DEFAULT)).generate();
        List<Event> out = new ArrayList<>(agents * rounds);
        for (String line : scenario.interactionLines()) {
            if (EventJson.readInteraction(bytes(line)) instanceof Decoded.Ok<Interaction> ok && ok.value().round() != null) {
                Interaction i = ok.value();
                String agent = prefix + i.agentId() + "-span" + i.round() / rounds;
                out.add(new Event(agent, i.eventId(), EventJson.write(new Interaction(i.eventId(), agent, i.groupId(),
                        i.timestamp(), i.round(), i.prompt(), i.response(), i.action(), i.reward(), i.observedAgents(),
                        i.labels(), i.policyVersion()))));
            }
        }
        return out;
    }

    /**
     * {@code events} as they come (the simulator's rounds: about a thousand agents at a time, each
     * with all its events close together, which a record cache folds), or, {@code interleaved},
     * every agent's events at random places in the whole input, each agent's in its own order, as
     * many independent agents' traffic arrives: an agent's next event is then a tenth of the input
     * away, out of any cache.
     */
    private static List<Event> order(List<Event> events, boolean interleaved) {
        if (!interleaved) {
            return events;
        }
        Map<String, ArrayDeque<Event>> byAgent = new LinkedHashMap<>();
        List<String> slots = new ArrayList<>(events.size());
        for (Event e : events) {
            byAgent.computeIfAbsent(e.agentId(), k -> new ArrayDeque<>()).add(e);
            slots.add(e.agentId());
        }
        Collections.shuffle(slots, new Random(7));
        List<Event> out = new ArrayList<>(events.size());
        for (String agent : slots) {
            out.add(byAgent.get(agent).poll());
        }
        return out;
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, List<Event> events) {
        for (Event e : events) {
            producer.send(new ProducerRecord<>(topic, e.agentId(), e.value()));
        }
    }

    /** An interaction ready to produce: its key, its id (to time its alert) and its bytes. */
    private record Event(String agentId, String eventId, byte[] value) {
    }

    /** The valid lines of {@code lines} as events, each read once, before any timing starts. */
    private static List<Event> events(List<String> lines) {
        List<Event> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (EventJson.readInteraction(bytes(line)) instanceof Decoded.Ok<Interaction> ok) {
                out.add(new Event(ok.value().agentId(), ok.value().eventId(), bytes(line)));
            }
        }
        return out;
    }

    /**
     * Records per second between two shares of a run, when the first commit came, how busy the
     * stream threads were meanwhile (NaN for the raw consumer, which has none), how Kafka Streams
     * says its threads' time was split at the end (empty for the raw consumer), and, over the same
     * window, the JIT compilers' time and the whole process's CPU time, in cores: the JVM compiles
     * the broker's, the clients' and the monitor's code on the same two cores for tens of seconds
     * into a run, so a window where they still work is not the rate of a monitor that has run for
     * an hour; and what the process used beyond the timed threads went to the broker, garbage
     * collection and the compilers.
     */
    private record Rate(double perSecond, double firstCommitSeconds, double streamThreadCpuShare,
                        Map<String, Double> threadTimeShares, double jitCompilerCores, double processCores) {
        static Rate between(double perSecond, double firstCommitSeconds, double streamThreadCpuShare,
                            Map<String, Double> threadTimeShares, JvmTime from, JvmTime to, long nanos) {
            return new Rate(perSecond, firstCommitSeconds, streamThreadCpuShare, threadTimeShares,
                    (to.compilationMillis() - from.compilationMillis()) * 1e6 / nanos,
                    (double) (to.processCpuNanos() - from.processCpuNanos()) / nanos);
        }
    }

    /** The JIT compilers' time so far (all compiler threads together) and the process's CPU time. */
    private record JvmTime(long compilationMillis, long processCpuNanos) {
        static JvmTime now() {
            return new JvmTime(ManagementFactory.getCompilationMXBean().getTotalCompilationTime(),
                    ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime());
        }
    }

    /**
     * An exactly-once baseline's figures, named after it ({@code Floor}: exactlyOnceFloorRecordsPerSecond,
     * floorToRawSteadyRatio, monitorToFloorSteadyRatio, floorStreamThreadCpuShare).
     */
    private static void putBaseline(Map<String, Object> figures, String name, Rate rate, Rate raw, Rate monitor) {
        String lower = Character.toLowerCase(name.charAt(0)) + name.substring(1);
        figures.put("exactlyOnce" + name + "RecordsPerSecond", perSecond(rate));
        figures.put(lower + "ToRawSteadyRatio", ratio(rate, raw));
        figures.put("monitorTo" + name + "SteadyRatio", ratio(monitor, rate));
        figures.put(lower + "StreamThreadCpuShare", round(rate.streamThreadCpuShare()));
        figures.put(lower + "StreamThreadTimeShares", rate.threadTimeShares());
        putCores(figures, lower, rate);
    }

    /** {@code <prefix>JitCompilerCores} and {@code <prefix>ProcessCores} of {@code rate}'s window. */
    private static void putCores(Map<String, Object> figures, String prefix, Rate rate) {
        figures.put(prefix + "JitCompilerCores", round(rate.jitCompilerCores()));
        figures.put(prefix + "ProcessCores", round(rate.processCores()));
    }

    private static Rate better(Rate a, Rate b) {
        return a.perSecond() >= b.perSecond() ? a : b;
    }

    /**
     * The monitor's rate between 10% and 90% of the measured interactions committed (those after the
     * {@code warmup} first ones), polled from the group's offsets, and how busy its stream threads
     * were meanwhile (CPU time over wall time: near 1 per thread when the monitor's own work limits
     * it, lower when it waits on the broker).
     */
    private static Rate steadyState(ProcessingWatcher watcher, String applicationId, String topic, long t0,
                                    long warmup, long measured) throws Exception {
        double first = -1;
        Sample previous = null;
        Sample low = null;
        while (true) {
            ProcessingWatcher.Progress p = watcher.progress(List.of(topic));
            // CPU time only once processing is under way: no window starts before it, and walking
            // every thread at each 20 ms start-up poll would weigh on the start-up being timed.
            Sample now = new Sample(System.nanoTime(), p.processed(), p.processed() > 0 ? streamThreadCpuNanos() : 0,
                    JvmTime.now());
            if (first < 0 && now.processed() > 0) {
                first = (now.nanos() - t0) / 1e9;
            }
            if (low == null && now.processed() >= warmup + measured / 10) {
                // Crossed within one poll, the window starts at the poll before it, if the
                // application was processing by then (else that poll would time its start-up).
                low = now.processed() >= warmup + measured * 9 / 10 && previous != null && previous.processed() > 0
                        ? previous : now;
            }
            if (now.processed() >= warmup + measured * 9 / 10) {
                if (low == now) {
                    System.err.printf("%s committed 10%%-90%% of the measured records before its first commit"
                            + " was seen: too quick to time; more agents (-Dbench.agents) give it a rate%n", applicationId);
                    return new Rate(Double.NaN, first, Double.NaN, threadTimeShares(applicationId), Double.NaN,
                            Double.NaN);
                }
                long nanos = now.nanos() - low.nanos();
                return Rate.between((now.processed() - low.processed()) / (nanos / 1e9), first,
                        (double) (now.cpuNanos() - low.cpuNanos()) / nanos, threadTimeShares(applicationId),
                        low.jvm(), now.jvm(), nanos);
            }
            previous = now;
            // Each poll is three admin requests to the broker that shares the monitor's cores:
            // every 20 ms they cost the monitor several percent. Fine-grained only until the first
            // commit (start-up time); 200 ms keeps the error of a 10%-90% window under 1%.
            Thread.sleep(first < 0 ? 20 : 200);
        }
    }

    /**
     * One poll of an application's progress: when, records committed, its stream threads' CPU time,
     * the JVM's compilers' and process's times so far.
     */
    private record Sample(long nanos, long processed, long cpuNanos, JvmTime jvm) {
    }

    /** {@link ExactlyOnceFloor}'s steady rate on the same records, measured as the monitor's is. */
    private static Rate floor(ExactlyOnceFloor.Work work, BallastConfig.AgentStore store, String servers, String topic,
                              Path stateDir, long warmup, long measured, int streamThreads) throws Exception {
        try (Admin admin = Admin.create(adminProps(servers));
             ProcessingWatcher watcher = new ProcessingWatcher(admin, servers, Map.of(), work.applicationId);
             KafkaStreams floor = ExactlyOnceFloor.create(work, store, servers, topic,
                     stateDir.resolve(work.applicationId), streamThreads)) {
            long t0 = System.nanoTime();
            floor.start();
            Rate rate = steadyState(watcher, work.applicationId, topic, t0, warmup, measured);
            while (!watcher.caughtUp(List.of(topic))) {
                Thread.sleep(50);
            }
            return rate;
        }
    }

    /**
     * The shares of wall time Kafka Streams' own thread metrics give {@code applicationId}'s stream
     * threads (averaged over them): processing, committing, polling, punctuating, each a windowed
     * average over the last loops. Where the CPU share above says the thread waited, these say on
     * what: a commit under exactly-once waits for the broker to write the transaction's markers.
     */
    private static Map<String, Double> threadTimeShares(String applicationId) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Map<String, Double> shares = new LinkedHashMap<>();
        List<ObjectName> threads = server.queryNames(new ObjectName("kafka.streams:type=stream-thread-metrics,*"), null)
                .stream().filter(n -> n.getKeyProperty("thread-id").startsWith(applicationId + "-")
                        && n.getKeyProperty("thread-id").matches(STREAM_THREAD)
                        // The bean that also names the process carries only the thread's state.
                        && n.getKeyProperty("process-id") == null).toList();
        for (String share : List.of("process", "commit", "poll", "punctuate")) {
            double sum = 0;
            for (ObjectName thread : threads) {
                sum += ((Number) server.getAttribute(thread, share + "-ratio")).doubleValue();
            }
            shares.put(share, threads.isEmpty() ? null : round(sum / threads.size()));
        }
        return shares;
    }

    /** CPU time used so far by the Kafka Streams processing threads of this JVM. */
    private static long streamThreadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().matches(STREAM_THREAD)) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    /**
     * A plain consumer reading {@code topic} from the beginning; its rate between 10% and 90% of the
     * measured records (those after the {@code warmup} first ones).
     */
    private static Rate rawConsume(String servers, String topic, long warmup, long measured) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long t0 = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long seen = 0;
            long bytes = 0;
            long atLow = 0;
            long atHigh = 0;
            JvmTime jvmAtLow = null;
            JvmTime jvmAtHigh = null;
            double first = -1;
            long low = warmup + measured / 10;
            long high = warmup + measured * 9 / 10;
            while (seen < high) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    seen++;
                    bytes += r.value().length;
                    if (seen == 1) {
                        first = (System.nanoTime() - t0) / 1e9;
                    }
                    // Not else-if: with few records the first one is also where the window opens.
                    if (seen == low) {
                        atLow = System.nanoTime();
                        jvmAtLow = JvmTime.now();
                    } else if (seen == high) {
                        atHigh = System.nanoTime();
                        jvmAtHigh = JvmTime.now();
                    }
                }
            }
            if (bytes == 0) {
                throw new IllegalStateException("raw consumer read no bytes");
            }
            return Rate.between((high - low) / ((atHigh - atLow) / 1e9), first, Double.NaN, Map.of(), jvmAtLow,
                    jvmAtHigh, atHigh - atLow);
        }
    }

    /**
     * Produces {@code scenario} at {@code rate} events per second and times each alert from its
     * trigger event's send to the alert being readable by a read_committed consumer.
     */
    private static Map<String, Object> latency(String servers, BallastConfig config, Scenario scenario, int rate,
                                               ProcessingWatcher watcher, List<String> sources) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Double> latencies = new ArrayList<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> alerts = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = producer(servers)) {
            List<TopicPartition> parts = alerts.partitionsFor(config.topics().alerts()).stream()
                    .map(i -> new TopicPartition(config.topics().alerts(), i.partition())).toList();
            alerts.assign(parts);
            alerts.seekToEnd(parts);
            parts.forEach(alerts::position);
            // Stopped by wakeup(), the consumer's own way out of poll: interrupting the thread made
            // poll throw InterruptException, which exec:java reports as a failed build.
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        for (var r : alerts.poll(Duration.ofMillis(20))) {
                            long now = System.nanoTime();
                            if (EventJson.readAlert(r.value()) instanceof Decoded.Ok<Alert> ok
                                    && ok.value().triggerEventId() != null) {
                                Long sent = sentAt.get(ok.value().triggerEventId());
                                if (sent != null) {
                                    synchronized (latencies) {
                                        latencies.add((now - sent) / 1e6);
                                    }
                                }
                            }
                        }
                    }
                } catch (WakeupException done) {
                    // the latency phase is over
                }
            }, "bench-alert-reader");
            List<Event> events = events(scenario.interactionLines().stream()
                    .map(l -> l.replace("agent-", LATE_AGENT)).toList());
            long start = System.nanoTime();
            reader.start();
            for (int i = 0; i < events.size(); i++) {
                long due = start + (long) (i * 1e9 / rate);
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                Event e = events.get(i);
                sentAt.put(e.eventId(), System.nanoTime());
                producer.send(new ProducerRecord<>(config.topics().interactions(), e.agentId(), e.value()));
            }
            producer.flush();
            while (!watcher.caughtUp(sources)) {
                Thread.sleep(50);
            }
            Thread.sleep(1_000);
            alerts.wakeup();
            reader.join();
        }
        List<Double> sorted = latencies.stream().sorted().toList();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("events", scenario.interactionLines().size());
        figures.put("eventsPerSecond", rate);
        figures.put("alerts", sorted.size());
        if (!sorted.isEmpty()) {
            figures.put("p50Millis", round(percentile(sorted, 0.5)));
            figures.put("p99Millis", round(percentile(sorted, 0.99)));
            figures.put("maxMillis", round(sorted.get(sorted.size() - 1)));
        }
        return figures;
    }

    private static double percentile(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static long directoryBytes(Path root, String name) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().contains("/" + name + "/") && Files.isRegularFile(f))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static KafkaProducer<String, byte[]> producer(String servers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static Properties adminProps(String servers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        return p;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code v} to two decimals; null (JSON null) for a figure not measured. */
    private static Double round(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 100) / 100.0;
    }

    /** Records per second, whole; null for a rate not measured. */
    private static Long perSecond(Rate rate) {
        return Double.isNaN(rate.perSecond()) ? null : Math.round(rate.perSecond());
    }

    /** {@code a}'s rate over {@code b}'s, to four decimals; null when either was not measured. */
    private static Double ratio(Rate a, Rate b) {
        double r = a.perSecond() / b.perSecond();
        return Double.isNaN(r) ? null : Math.round(r * 10_000) / 10_000.0;
    }
}
