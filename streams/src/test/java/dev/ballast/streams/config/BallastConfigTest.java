package dev.ballast.streams.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.model.ScoringModel;
import dev.ballast.model.realign.RealignService;
import dev.ballast.streams.drift.PageHinkley;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BallastConfigTest {

    @Test
    void defaultsAreEmbeddedWithTheContractTopics() {
        BallastConfig c = BallastConfig.defaults();
        assertTrue(c.embedded());
        assertEquals("agent.interactions", c.topics().interactions());
        assertEquals("ballast.dlq", c.topics().dlq());
        assertEquals(1_000_000, c.falseAlarmBudgetEvents());
        assertEquals(BallastConfig.AgentStore.ROCKSDB, c.agentStore());
        assertEquals(BallastConfig.AgentStore.IN_MEMORY, c.with("monitor.agent.store", "in-memory").agentStore());
    }

    @Test
    void fileThenEnvironmentOverridesAndStreamsPassThrough(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ballast.properties");
        Files.writeString(file, "bootstrap.servers=kafka:9092\ndrift.warmup.events=80\nstreams.num.stream.threads=3\n");
        BallastConfig c = BallastConfig.load(file, Map.of("BALLAST_DRIFT_WARMUP_EVENTS", "120",
                "BALLAST_DRIFT_DETECTOR", "page-hinkley", "PATH", "/usr/bin"));
        assertEquals("kafka:9092", c.bootstrapServers());
        assertEquals(120, c.warmupEvents());
        assertEquals(Map.of("num.stream.threads", "3"), c.streamsOverrides());
        assertTrue(c.changeDetector() instanceof PageHinkley);
        assertEquals(42, c.with("drift.warmup.events", "42").warmupEvents());
    }

    @Test
    void reportsEveryProblemWithItsKey() {
        Properties p = new Properties();
        p.setProperty("drift.warmup.events", "many");
        p.setProperty("drift.cusum.shift", "3");
        p.setProperty("drift.detector", "adwin");
        p.setProperty("drift.warmup", "50");
        p.setProperty("monitor.agent.store", "heap");
        p.setProperty("trigger.alerts.min", "100000");
        p.setProperty("gate.max.median.ratio", "0.9");
        ConfigException e = assertThrows(ConfigException.class, () -> BallastConfig.parse(p, Map.of()));
        String m = e.getMessage();
        assertTrue(m.contains("drift.warmup.events (file): must be an integer (got 'many')"), m);
        assertTrue(m.contains("drift.cusum.shift (file): must be between 0.01 and 0.95 (got 3)"), m);
        assertTrue(m.contains("drift.detector (file): must be one of cusum, page-hinkley (got 'adwin')"), m);
        assertTrue(m.contains("drift.warmup (file): unknown key; did you mean drift.warmup.events?"), m);
        assertTrue(m.contains("monitor.agent.store (file): must be one of rocksdb, in-memory (got 'heap')"), m);
        assertTrue(m.contains("trigger.alerts.min (file): must be between 1 and 5000 (got 100000)"), m);
        assertTrue(m.contains("gate.max.median.ratio (file): must be 0 (off) or at least 1 (got 0.9)"), m);
    }

    @Test
    void directoriesThatCannotBeWrittenAreRefusedAtStartAndMissingOnesAccepted(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "not a directory");
        Properties p = new Properties();
        p.setProperty("state.dir", file.toString());
        p.setProperty("realign.work.dir", file.resolve("jobs").toString());
        p.setProperty("model.dir", dir.resolve("models/not/yet/made").toString());
        String m = assertThrows(ConfigException.class,
                () -> BallastConfig.parse(p, Map.of("BALLAST_MODEL_DIR", "models\u0000x"))).getMessage();
        assertTrue(m.contains("state.dir (file): " + file + " is a file, not a directory"), m);
        assertTrue(m.contains("realign.work.dir (file): " + file + " is a file, not a directory"), m);
        assertTrue(m.contains("model.dir (environment BALLAST_MODEL_DIR): not a path"), m);

        Properties fine = new Properties();
        fine.setProperty("model.dir", dir.resolve("models/not/yet/made").toString());
        fine.setProperty("state.dir", "relative-state");
        BallastConfig config = BallastConfig.parse(fine, Map.of());
        assertEquals(Path.of("relative-state"), config.stateDir(), "a relative path is kept as given");
        assertFalse(Files.exists(dir.resolve("models")), "checking makes no directory");
    }

    @Test
    void anUnknownKeyNamesTheKeyItLikelyMeantOrListsThemAll() {
        assertEquals("gate.order.grace.ms", BallastConfig.nearestKey("gate.order.grace"));
        assertEquals("diffusion.max.agents", BallastConfig.nearestKey("difusion.max.agent"));
        Properties p = new Properties();
        p.setProperty("colour", "blue");
        String m = assertThrows(ConfigException.class, () -> BallastConfig.parse(p, Map.of())).getMessage();
        assertTrue(m.contains("colour (file): unknown key; known keys are bootstrap.servers"), m);
    }

    @Test
    void kafkaStreamsSettingsAreCheckedAgainstKafkasOwnDefinitionsAtStart() {
        Properties p = new Properties();
        p.setProperty("streams.num.stream.thread", "2");
        p.setProperty("streams.commit.interval.ms", "abc");
        p.setProperty("streams.producer.compression.type", "zip");
        p.setProperty("streams.sasl.jaas.confg", "secret-value-xyz");
        ConfigException e = assertThrows(ConfigException.class, () -> BallastConfig.parse(p,
                Map.of("BALLAST_STREAMS_REPLICATION_FACTOR", "three")));
        String m = e.getMessage();
        assertTrue(m.contains("streams.num.stream.thread (file): not a Kafka Streams, producer, consumer or admin "
                + "client setting; did you mean streams.num.stream.threads?"), m);
        assertTrue(m.contains("streams.commit.interval.ms (file): Invalid value abc for configuration "
                + "commit.interval.ms: Not a number of type LONG"), m);
        assertTrue(m.contains("streams.producer.compression.type (file): Invalid value zip"), m);
        assertTrue(m.contains("streams.sasl.jaas.confg (file): not a Kafka Streams"), m);
        assertTrue(m.contains("streams.replication.factor (environment BALLAST_STREAMS_REPLICATION_FACTOR): "
                + "Invalid value three"), m);
        assertFalse(m.contains("secret-value-xyz"), "the value of an unknown key may be a secret: " + m);

        Properties valid = new Properties();
        valid.setProperty("streams.num.stream.threads", "3");
        valid.setProperty("streams.max.poll.records", "500");
        valid.setProperty("streams.main.consumer.fetch.max.bytes", "1048576");
        valid.setProperty("streams.admin.request.timeout.ms", "20000");
        valid.setProperty("streams.topic.min.insync.replicas", "2");
        valid.setProperty("streams.client.tag.zone", "eu-1a");
        valid.setProperty("streams.security.protocol", "SASL_SSL");
        valid.setProperty("streams.config.providers", "file");
        valid.setProperty("streams.config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider");
        valid.setProperty("streams.acme.reporter.endpoint", "https://metrics.example");
        assertEquals(10, BallastConfig.parse(valid, Map.of()).streamsOverrides().size(),
                "Streams, client and prefixed client settings, topic settings, client tags, and a plugin's own");
    }

    /**
     * A setting kept out of the file with Kafka's config providers ({@code ${file:...}}) is
     * resolved by Kafka, so start-up does not judge the reference as a value; and the providers
     * reach every plain client along with the security settings they resolve.
     */
    @Test
    void settingsThroughConfigProvidersAreLeftToKafkaAndReachEveryClient() {
        Properties props = new Properties();
        props.setProperty("streams.security.protocol", "${file:/etc/ballast/secrets.properties:protocol}");
        ConfigException withoutProviders = assertThrows(ConfigException.class, () -> BallastConfig.parse(props, Map.of()));
        assertTrue(withoutProviders.getMessage().contains("streams.security.protocol (file): Invalid value ${file:"),
                "without a provider Kafka would take the reference as the value: " + withoutProviders.getMessage());

        props.setProperty("streams.config.providers", "file");
        props.setProperty("streams.config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider");
        props.setProperty("streams.commit.interval.ms", "100");
        BallastConfig config = BallastConfig.parse(props, Map.of());
        assertEquals(Map.of("config.providers", "file",
                "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
                "security.protocol", "${file:/etc/ballast/secrets.properties:protocol}"), config.clientOverrides());
    }

    @Test
    void aBadValueNamesTheEnvironmentVariableThatSetIt() {
        Properties p = new Properties();
        p.setProperty("drift.warmup.events", "50");
        String m = assertThrows(ConfigException.class, () -> BallastConfig.parse(p,
                Map.of("BALLAST_DRIFT_WARMUP_EVENTS", "abc"))).getMessage();
        assertTrue(m.contains("drift.warmup.events (environment BALLAST_DRIFT_WARMUP_EVENTS): must be an integer "
                + "(got 'abc')"), m);
        String set = assertThrows(ConfigException.class,
                () -> BallastConfig.defaults().with("topic.partitions", "0", "--partitions")).getMessage();
        assertTrue(set.contains("topic.partitions (--partitions): must be between 1"), set);
    }

    @Test
    void theLaunchersOwnVariablesAreNotTakenForKeys() {
        BallastConfig config = BallastConfig.parse(new Properties(), Map.of(
                "BALLAST_JAVA_OPTS", "-Dorg.slf4j.simpleLogger.log.dev.ballast=debug",
                "BALLAST_CLASSPATH", "/opt/models/mine.jar", "BALLAST_DRIFT_WARMUP_EVENTS", "70"));
        assertEquals(70, config.warmupEvents());
    }

    @Test
    void aModelClassThatCannotBeOpenedStopsTheCommandsThatScoreNamingItsSource() {
        Properties props = new Properties();
        props.setProperty("model.class", "com.example.Missing");
        // Parsing succeeds: a monitor sharing the file does not score, and need not carry the jar.
        BallastConfig fromFile = BallastConfig.parse(props, Map.of());
        ConfigException missing = assertThrows(ConfigException.class, fromFile::requireScoringModel);
        assertEquals("invalid configuration:\n  model.class (file): com.example.Missing is not on the classpath; add "
                + "the jar that holds it to BALLAST_CLASSPATH (./ballast) or to /opt/ballast/plugins (the image)",
                missing.getMessage());

        // A flag set afterwards leaves the other keys' sources as they were.
        BallastConfig fromEnv = BallastConfig.parse(new Properties(), Map.of("BALLAST_MODEL_CLASS", "java.lang.String"))
                .with("bootstrap.servers", "broker:9092", "--bootstrap-servers");
        ConfigException notAModel = assertThrows(ConfigException.class, fromEnv::requireScoringModel);
        assertTrue(notAModel.getMessage().contains("model.class (environment BALLAST_MODEL_CLASS): java.lang.String "
                + "does not implement dev.ballast.model.ScoringModel"), notAModel.getMessage());

        props.setProperty("model.class", ScoringModel.class.getName());
        ConfigException abstractOne = assertThrows(ConfigException.class,
                () -> BallastConfig.parse(props, Map.of()).requireScoringModel());
        assertTrue(abstractOne.getMessage().contains("is abstract"), abstractOne.getMessage());

        props.setProperty("model.class", "  " + OwnScoringModel.class.getName() + " ");
        BallastConfig.parse(props, Map.of()).requireScoringModel();
        BallastConfig.defaults().requireScoringModel();
    }

    @Test
    void missingConfigFileIsAClearError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> BallastConfig.load(Path.of("/nonexistent/ballast.properties"), Map.of()));
        assertTrue(e.getMessage().contains("not found or not readable"));
    }

    @Test
    void aFileSavedByAWindowsEditorReadsAsWrittenAndOneNotInUtf8SaysSo(@TempDir Path dir) throws Exception {
        Path bom = dir.resolve("bom.properties");
        Files.write(bom, "\uFEFFdrift.warmup.events=80\r\nmetrics.port=-1\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        BallastConfig config = BallastConfig.load(bom, Map.of());
        assertEquals(80, config.warmupEvents());
        assertEquals(-1, config.metricsPort());

        Path latin1 = dir.resolve("latin1.properties");
        Files.write(latin1, "streams.sasl.jaas.config=caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        ConfigException e = assertThrows(ConfigException.class, () -> BallastConfig.load(latin1, Map.of()));
        assertTrue(e.getMessage().endsWith("not UTF-8 text; save it as UTF-8"), e.getMessage());
    }

    @Test
    void printingAConfigurationHidesItsSecrets() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "broker:9093");
        p.setProperty("streams.security.protocol", "SASL_SSL");
        p.setProperty("streams.sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"pw-canary\";");
        p.setProperty("streams.ssl.keystore.password", "ks-canary");
        p.setProperty("streams.ssl.keystore.key", "key-canary");
        BallastConfig config = BallastConfig.parse(p, Map.of());
        RealignService.Settings jobs = new RealignService.Settings(
                "broker:9093", "g", "jobs", "status", config.clientOverrides(), "models", config.realign().training());
        for (String printed : List.of(config.toString(), config.scoringSettings().toString(), jobs.toString())) {
            assertFalse(printed.contains("canary"), printed);
            assertTrue(printed.contains("SASL_SSL") && printed.contains("[hidden]"), printed);
        }
        assertEquals("ScramLoginModule required username=\"u\" password=\"pw-canary\";",
                config.clientOverrides().get("sasl.jaas.config"), "the clients still get the value");
    }
}
