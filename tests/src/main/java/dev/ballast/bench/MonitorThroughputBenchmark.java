package dev.ballast.bench;

import dev.ballast.events.EventJson;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentStateCodec;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.ProcessingWatcher;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.CandidateSpec;
import dev.ballast.streams.sim.PreferenceSpec;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Monitor throughput against a raw kafka-clients consumer reading the same topic on the same
 * embedded broker, in one run. The raw consumer only fetches bytes (the floor any Kafka reader
 * pays); the monitor decodes, judges against the policy, updates RocksDB-backed detector state and
 * commits exactly-once. Writes {@code monitor-throughput.json}; it never fails on a timing.
 *
 * <p>Run: {@code mvn -B -Pbench -pl tests -am verify -DskipTests} (figures in {@code tests/target/bench}).
 */
public final class MonitorThroughputBenchmark {
    private MonitorThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int agents = Integer.parseInt(System.getProperty("bench.agents", "500"));
        int rounds = Integer.parseInt(System.getProperty("bench.rounds", "400"));
        Path out = Path.of(System.getProperty("bench.out", "target/bench"));
        Scenario scenario = new Simulator(new ScenarioSpec(agents, rounds, 1, 0.2, 0.1, 0.1, 0, ScenarioSpec.DEFAULT_START,
                ScenarioSpec.GroupSpec.NONE, CandidateSpec.NONE, PreferenceSpec.NONE))
                .generate();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            BallastConfig config = BallastConfig.defaults();
            // -Dbench.streams.commit.interval.ms=1000 and the like compare Streams settings in one go.
            for (String name : System.getProperties().stringPropertyNames()) {
                if (name.startsWith("bench.streams.")) {
                    config = config.with(name.substring("bench.".length()), System.getProperty(name));
                }
            }
            config = config.with("bootstrap.servers", kafka.bootstrapServers())
                    .with("application.id", "bench-monitor")
                    .with("state.dir", Files.createTempDirectory("bench-state").toString());
            BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
            try (MonitorService monitor = new MonitorService(config, metrics)) {
                long records = produce(kafka.bootstrapServers(), config, scenario);
                double rawSeconds = Math.min(rawConsume(kafka.bootstrapServers(), config.topics().interactions(), records),
                        rawConsume(kafka.bootstrapServers(), config.topics().interactions(), records));
                long t0 = System.nanoTime();
                monitor.start(Duration.ofSeconds(60));
                awaitCaughtUp(kafka.bootstrapServers(), config);
                double monitorSeconds = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("measuredAt", Instant.now().toString());
                figures.put("cores", Runtime.getRuntime().availableProcessors());
                figures.put("records", records);
                figures.put("agents", agents);
                figures.put("rawConsumerRecordsPerSecond", Math.round(records / rawSeconds));
                figures.put("monitorRecordsPerSecond", Math.round(records / monitorSeconds));
                figures.put("monitorToRawRatio", Math.round(rawSeconds / monitorSeconds * 10_000) / 10_000.0);
                figures.put("monitorSecondsIncludingStartup", Math.round(monitorSeconds * 100) / 100.0);
                figures.put("streamsOverrides", config.streamsOverrides());
                figures.put("agentStateBytes", AgentStateCodec.SIZE);
                figures.put("agentStoreBytesPerAgentWithKey", AgentStateCodec.SIZE + "agent-0000".length());
                figures.put("alerts", metrics.alertCount(dev.ballast.events.AlertType.TIPPING)
                        + metrics.alertCount(dev.ballast.events.AlertType.DRIFT));
                Files.createDirectories(out);
                Path file = out.resolve("monitor-throughput.json");
                Files.writeString(file, EventJson.LENIENT.writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n");
                System.out.println(Files.readString(file));
                System.out.println("written to " + file.toAbsolutePath());
            }
        }
    }

    private static long produce(String servers, BallastConfig config, Scenario scenario) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (String line : scenario.policyLines()) {
                producer.send(new ProducerRecord<>(config.topics().policies(), Simulator.POLICY_ID, line.getBytes(StandardCharsets.UTF_8)));
            }
            long n = 0;
            for (String line : scenario.interactionLines()) {
                String agent = line.substring(line.indexOf("\"agentId\":\"") + 11, line.indexOf("\"agentId\":\"") + 21);
                producer.send(new ProducerRecord<>(config.topics().interactions(), agent, line.getBytes(StandardCharsets.UTF_8)));
                n++;
            }
            producer.flush();
            return n;
        }
    }

    /** Seconds for a plain consumer to read every record of {@code topic} from the beginning. */
    private static double rawConsume(String servers, String topic, long expected) {
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
            while (seen < expected) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    seen++;
                    bytes += r.value().length;
                }
            }
            if (bytes == 0) {
                throw new IllegalStateException("raw consumer read no bytes");
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void awaitCaughtUp(String servers, BallastConfig config) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        try (Admin admin = Admin.create(p);
             ProcessingWatcher watcher = new ProcessingWatcher(admin, servers, Map.of(), config.applicationId())) {
            List<String> sources = List.of(config.topics().interactions(), config.topics().policies());
            while (!watcher.caughtUp(sources)) {
                Thread.sleep(50);
            }
        }
    }
}
