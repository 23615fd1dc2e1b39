package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.EventJson;
import dev.ballast.events.JobStatus;
import dev.ballast.events.PreferencePair;
import dev.ballast.events.RealignJob;
import dev.ballast.events.TopicDrain;
import dev.ballast.events.TriageDecision;
import dev.ballast.model.realign.JobData;
import dev.ballast.model.realign.JobLauncher;
import dev.ballast.model.realign.JobResult;
import dev.ballast.model.realign.JobSpec;
import dev.ballast.model.realign.RealignService;
import dev.ballast.model.realign.RealignSettings;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.TopicAdmin;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * model-runner's job executor against a real broker, with a launcher that records what it is
 * given: the job's data is read from the topics its selector names (unreadable records counted,
 * not fatal), statuses go QUEUED, RUNNING, SUCCEEDED; an unreadable job is reported FAILED; a job
 * already finished is never run again, neither when re-sent nor by a new executor.
 */
class RealignServiceTest {
    private static final String VERSION = "care@2";

    /** Records every job it is asked to run and succeeds with one progress report. */
    private static final class RecordingLauncher implements JobLauncher {
        final List<JobData> runs = new CopyOnWriteArrayList<>();

        @Override
        public String device() {
            return "cpu";
        }

        @Override
        public JobResult run(JobSpec spec, JobData data, BiConsumer<Map<String, Double>, String> progress) {
            runs.add(data);
            progress.accept(Map.of("step", 1.0, "loss", 0.5), "step 1");
            return new JobResult(true, "builtin-test-r1", Map.of("preferenceAccuracyAfter", 1.0), null);
        }
    }

    @Test
    void runsEachReadableJobOnceOnItsSelectedDataAndReportsEveryState() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            BallastConfig config = BallastConfig.defaults().with("bootstrap.servers", kafka.bootstrapServers());
            TopicAdmin.ensure(config);
            BallastConfig.TopicNames topics = config.topics();
            String servers = kafka.bootstrapServers();
            RealignJob job = new RealignJob("realign-triage-conflicts-care@2", "TRIAGE_CONFLICTS", List.of(), VERSION,
                    "current", Map.of(RealignJob.TRIAGE_TOPIC, topics.triage(),
                    RealignJob.PREFERENCES_TOPIC, topics.preferences(), RealignJob.POLICY_VERSION, VERSION),
                    Map.of("INVERT", 1L), Instant.parse("2026-02-01T00:00:00Z"));
            try (KafkaProducer<String, byte[]> producer = producer(servers)) {
                send(producer, topics.preferences(), "a", EventJson.write(pair("a")));
                send(producer, topics.preferences(), "b", EventJson.write(pair("b")));
                send(producer, topics.preferences(), "c", EventJson.write(pair("c")));
                send(producer, topics.preferences(), "bad", bytes("{\"pairId\":"));
                send(producer, topics.triage(), "a", EventJson.write(decision("a", VERSION, TriageDecision.Action.INVERT)));
                send(producer, topics.triage(), "b", EventJson.write(decision("b", VERSION, TriageDecision.Action.PRESERVE)));
                send(producer, topics.triage(), "c", EventJson.write(decision("c", "care@1", TriageDecision.Action.PRESERVE)));
                send(producer, topics.triage(), "bad", bytes("{\"pairId\":\"x\",\"action\":\"SHRUG\"}"));
                send(producer, topics.jobs(), job.jobId(), EventJson.write(job));
                send(producer, topics.jobs(), "junk", bytes("[not a job"));
                send(producer, topics.jobs(), job.jobId(), EventJson.write(job));
            }

            RecordingLauncher launcher = new RecordingLauncher();
            List<JobStatus> finished = runExecutor(config, "executor-1", launcher, 2);
            // Jobs are keyed by id, so the two arrive on different partitions in either order.
            assertEquals(List.of(JobStatus.State.SUCCEEDED, JobStatus.State.FAILED),
                    finished.stream().map(JobStatus::state).sorted().toList());
            JobStatus junk = finished.stream().filter(s -> s.state() == JobStatus.State.FAILED).findFirst().orElseThrow();
            assertTrue(junk.error().startsWith("unreadable job"), junk.error());
            assertEquals(1, launcher.runs.size(), "the re-sent job is not run again");
            JobData data = launcher.runs.get(0);
            assertEquals(List.of("a", "b"), data.decisions().stream().map(TriageDecision::pairId).sorted().toList(),
                    "the decisions of the job's version only");
            assertEquals(List.of("a", "b"), data.pairs().keySet().stream().sorted().toList());

            List<JobStatus> statuses = TopicDrain.read(servers, Map.of(), topics.status(), Map.of(),
                    Duration.ofSeconds(30)).stream().map(r -> EventJson.read(EventJson.LENIENT, r.value(),
                    JobStatus.class, s -> "")).map(d -> ((dev.ballast.events.Decoded.Ok<JobStatus>) d).value()).toList();
            List<JobStatus> ofJob = statuses.stream().filter(s -> s.jobId().equals(job.jobId())).toList();
            assertEquals(List.of(JobStatus.State.QUEUED, JobStatus.State.RUNNING, JobStatus.State.RUNNING,
                    JobStatus.State.SUCCEEDED), ofJob.stream().map(JobStatus::state).toList());
            Map<String, Double> counts = ofJob.get(1).metrics();
            assertEquals(1.0, counts.get("unreadableDecisions"));
            assertEquals(1.0, counts.get("unreadablePairs"));
            assertEquals(0.5, ofJob.get(2).metrics().get("loss"));
            assertEquals("builtin-test-r1", ofJob.get(3).modelVersion());

            RecordingLauncher second = new RecordingLauncher();
            assertEquals(List.of(JobStatus.State.FAILED),
                    runExecutor(config, "executor-2", second, 1).stream().map(JobStatus::state).toList());
            assertEquals(0, second.runs.size(), "a new executor does not re-run a finished job");
        }
    }

    private static List<JobStatus> runExecutor(BallastConfig config, String group, JobLauncher launcher,
                                               int expectFinished) throws InterruptedException {
        RealignService.Settings settings = new RealignService.Settings(config.bootstrapServers(), group,
                config.topics().jobs(), config.topics().status(), Map.of(), "unused", RealignSettings.DEFAULT);
        List<String> log = new CopyOnWriteArrayList<>();
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (RealignService service = new RealignService(settings, launcher, log::add, Clock.systemUTC(), registry)) {
            service.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            // The duplicate comes last: wait for its "not run again" too.
            while (service.finished().size() < expectFinished
                    || log.stream().noneMatch(l -> l.contains("not run again"))) {
                assertTrue(System.nanoTime() < deadline, "executor did not finish: " + log);
                assertEquals(null, service.failure());
                Thread.sleep(100);
            }
            // The executor's Kafka clients report beside its job meters, under their own prefix.
            assertTrue(registry.find(RealignService.METER_PREFIX + ".kafka.consumer.fetch.manager.records.consumed.total")
                    .functionCounter() != null, "consumer meters bound");
            assertTrue(registry.find(RealignService.METER_PREFIX + ".kafka.producer.record.send.total")
                    .functionCounter() != null, "producer meters bound");
            return service.finished();
        }
    }

    private static PreferencePair pair(String id) {
        return new PreferencePair(id, "prefs", "Where is my refund?", "It arrives tomorrow, promised.",
                "Let me check the status for you.");
    }

    private static TriageDecision decision(String pairId, String version, TriageDecision.Action action) {
        return new TriageDecision(pairId, action, action == TriageDecision.Action.INVERT ? 3.0 : 0.0, version,
                action == TriageDecision.Action.INVERT ? List.of("no-refund-promises") : List.of(), List.of());
    }

    private static KafkaProducer<String, byte[]> producer(String servers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
