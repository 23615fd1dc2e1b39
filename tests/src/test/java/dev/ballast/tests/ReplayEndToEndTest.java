package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.eval.GateScore;
import dev.ballast.streams.eval.GateScorer;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.replay.DeadLetterLine;
import dev.ballast.streams.replay.ReplayInputs;
import dev.ballast.streams.replay.ReplayOutputs;
import dev.ballast.streams.replay.ReplayRunner;
import dev.ballast.streams.sim.CandidateKind;
import dev.ballast.streams.sim.GroundTruth;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioFiles;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import dev.ballast.events.JobStatus;
import dev.ballast.model.realign.InJvmLauncher;
import dev.ballast.events.RealignJob;
import dev.ballast.events.TriageDecision;
import dev.ballast.streams.replay.TriageSection;
import dev.ballast.streams.sim.PreferenceSimulation;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole monitor, model-runner and gate through a real Kafka broker embedded in the JVM:
 * simulated scenario in, replay, alerts compared with the single-threaded reference run of the
 * same pure logic, gate decisions scored against the simulator's truth.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayEndToEndTest {
    private Path dir;
    private Scenario scenario;
    private ReplayRunner.Result result;
    private BallastMetrics metrics;

    @BeforeAll
    void replay(@TempDir Path tempDir) {
        dir = tempDir;
        scenario = new Simulator(ScenarioSpec.defaults(60, 300, 77)
                .withGroups(ScenarioSpec.GroupSpec.NONE.withCounts(3, 2))).generate();
        ScenarioFiles.write(scenario, dir.resolve("in"));
        metrics = new BallastMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        result = new ReplayRunner(BallastConfig.defaults(), quiet).run(ReplayInputs.read(dir.resolve("in")), metrics);
    }

    private static Set<String> identities(List<Alert> alerts) {
        return alerts.stream().map(a -> a.agentId() + "|" + a.triggerEventId() + "|" + a.type()).collect(Collectors.toSet());
    }

    @Test
    void pipelineRaisesExactlyTheAlertsOfTheReferenceRunOnceEach() {
        AgentMonitor monitor = new AgentMonitor(BallastConfig.defaults().monitorSettings());
        List<Alert> reference = OfflineRun.run(scenario.policyLines(), scenario.interactionLines(), monitor,
                BallastConfig.defaults().diffusion()).alerts();
        assertTrue(reference.size() >= 20, "scenario has changes to detect: " + reference.size());
        assertTrue(reference.stream().anyMatch(a -> a.type() == dev.ballast.events.AlertType.DIFFUSION),
                "scenario has contagious groups");
        List<Alert> monitorAlerts = result.alerts().stream()
                .filter(a -> a.type() != dev.ballast.events.AlertType.GATE_SURGE).toList();
        assertEquals(identities(reference), identities(monitorAlerts));
        assertEquals(reference.size(), monitorAlerts.size(), "no duplicates downstream");
    }

    @Test
    void everyMalformedLineAndTheBadPolicyAreDeadLetteredOnceWithAReason() {
        List<String> planted = scenario.truth().malformedLines().stream().map(GroundTruth.MalformedLine::content).toList();
        List<DeadLetterLine> dead = result.deadLetters();
        assertEquals(planted.size() + 1, dead.size(), dead.toString());
        for (String line : planted) {
            assertEquals(1, dead.stream().filter(d -> line.equals(d.value())).count(), line);
        }
        DeadLetterLine policy = dead.stream().filter(d -> "policy.changes".equals(d.sourceTopic())).findFirst().orElseThrow();
        assertTrue(policy.error().contains("bad regex"), policy.error());
        dead.forEach(d -> {
            assertNotNull(d.error());
            assertNotNull(d.sourceOffset());
        });
        assertEquals(dead.size(), metrics.deadLetterCount());
    }

    @Test
    void gateDecidesEveryCandidateOnceCatchesRuleBreakersAndRanksHarmfulSamplesByGradient() {
        GateScore gate = new GateScorer(scenario.truth(), BallastConfig.defaults().gate().surge().warmupEvents())
                .score(result.gateDecisions(), result.alerts());
        assertEquals(2_000, gate.candidates());
        assertEquals(gate.candidates(), gate.decided(), "exactly one decision each: " + gate);
        assertEquals(gate.candidates(), result.gateDecisions().size(), "and nothing else decided");
        assertTrue(gate.ruleBreaking() > 20, "scenario has rule breakers: " + gate.ruleBreaking());
        assertEquals(gate.ruleBreaking(), gate.ruleCaught(), "every rule breaker quarantined naming its rule");
        assertEquals(0, gate.falseConflicts());
        assertTrue(gate.auroc() >= 0.9, "gradNorm AUROC harmful vs benign " + gate.auroc());
        GateScore.KindGate benign = gate.kinds().get(CandidateKind.BENIGN.name());
        assertTrue(benign.warmAcceptedShare() >= BallastConfig.defaults().gate().keepRatio() - 0.05,
                "benign candidates accepted once warm: " + benign.warmAcceptedShare());
        assertEquals(1, gate.surgesDetected(), "the poisoned vendor batch raises GATE_SURGE");
        assertEquals(Map.of(), gate.surgesInBaseline(), "a detected surge is not explained away");
        assertEquals(0, gate.surgeFalseAlarms());
        assertTrue(result.summary().modelVersion().startsWith("builtin-"));
        assertEquals((double) gate.candidates(), metrics.registry().get("ballast.model.samples")
                .tag("outcome", "scored").counter().count(), "scored exactly once each");
    }

    @Test
    void everyPairIsTriagedCorrectlyForTheNewPolicyAndOneReAlignmentJobFixesTheConflicts() {
        List<TriageDecision> latest = TriageSection.latest(result.triage());
        long validPairs = scenario.truth().preferences().size();
        assertEquals(validPairs, latest.stream()
                .filter(d -> d.policyVersion().equals(PreferenceSimulation.NEW_VERSION)).count(),
                "each pair triaged against the new version once it arrived");
        TriageSection.Agreement agreement = TriageSection.agreement(result.triage(), scenario.truth());
        assertTrue(agreement.compared() >= validPairs, "the new version compared: " + agreement);
        assertEquals(agreement.compared(), agreement.agreed(), "triage agrees with truth on every pair");

        List<RealignJob> conflicts = result.jobs().stream()
                .filter(j -> j.reason().equals(RealignJob.Reason.TRIAGE_CONFLICTS.name())).toList();
        assertEquals(1, conflicts.size(), "one job for the new version's conflicts: " + result.jobs());
        assertEquals(PreferenceSimulation.NEW_VERSION, conflicts.get(0).policyVersion());
        JobStatus status = TriageSection.statusOf(conflicts.get(0), result.jobStatuses());
        assertEquals(JobStatus.State.SUCCEEDED, status.state(), String.valueOf(status));
        // The scenario's alert surge triggers a job on the same triage data too. Jobs run one at a
        // time, each from the model the one before published, and which of the two the trigger
        // emits first depends on timing; the gain is measured on the job that started from the
        // replay's model, the first to finish. A later job that read exactly the data the model in
        // force learnt does not train it again.
        JobStatus first = result.jobStatuses().get(0);
        for (JobStatus later : result.jobStatuses().subList(1, result.jobStatuses().size())) {
            assertEquals(JobStatus.State.SUCCEEDED, later.state(), String.valueOf(later));
            if (later.metrics().containsKey(InJvmLauncher.ALREADY_ALIGNED)) {
                assertEquals(first.modelVersion(), later.modelVersion(), "the model in force stays: " + later);
            } else {
                assertTrue(later.metrics().get("preferenceAccuracyAfter") >= 0.95, "conflicts fixed: " + later);
            }
        }
        Map<String, Double> m = first.metrics();
        assertEquals(JobStatus.State.SUCCEEDED, first.state(), String.valueOf(first));
        assertTrue(m.get("preferenceAccuracyAfter") - m.get("preferenceAccuracyBefore") >= 0.30,
                "held-out preference accuracy rises by 30 points: " + m);
        assertTrue(m.get("perplexityAfter") <= 1.10 * m.get("perplexityBefore"), "utility kept: " + m);
        assertTrue(first.modelVersion().startsWith(result.summary().modelVersion() + "-r"), first.modelVersion());
        assertEquals(result.jobStatuses().size(), metrics.registry().find("ballast.realign.jobs.finished").counters().stream()
                .mapToDouble(c -> c.count()).sum(), "each finished job counted once");
        assertEquals(result.jobStatuses().size(), metrics.registry().get("ballast.realign.job.duration").timer().count());
    }

    /**
     * Every metric the dashboards and alert rules use is on /metrics under its Prometheus name:
     * a meter whose name or tag keys clash with another's is dropped by the registry, silently.
     */
    @Test
    void everyBallastMetricIsExportedUnderItsPrometheusName() {
        String scrape = ((PrometheusMeterRegistry) metrics.registry()).scrape();
        for (String name : List.of("ballast_interactions_total", "ballast_alerts_total", "ballast_alert_latency_seconds_bucket",
                "ballast_agents_in_episode", "ballast_groups_in_diffusion", "ballast_policy_versions_accepted_total",
                "ballast_dlq_records_total", "ballast_gate_decisions_total", "ballast_gate_quarantine_reasons_total",
                "ballast_gate_grad_norm_bucket", "ballast_triage_decisions_total", "ballast_triage_rescans_pending",
                "ballast_realign_triggered_total", "ballast_realign_jobs_finished_total",
                "ballast_realign_job_duration_seconds_count", "ballast_realign_jobs_running",
                "ballast_model_samples_total", "ballast_model_batch_seconds_bucket")) {
            assertTrue(scrape.contains("\n" + name + "{") || scrape.contains("\n" + name + " "), name + " exported");
        }
    }

    /**
     * report.html opens offline and the browser draws its plots: headless Chromium (Debian's
     * package) screenshots it, and the screenshot holds the colours of the alert timeline, the
     * flagged agents' violation rates, a group's spread and the gradNorm histogram.
     */
    @Test
    void reportRendersItsPlotsOfflineInHeadlessChromium() throws Exception {
        PrometheusRulesTest.require("chromium", "chromium");
        Path out = dir.resolve("rendered");
        ReplayOutputs.write(out, result, null, null, null, null);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<script"),
                "self-contained: nothing fetched, nothing run");
        for (String plot : List.of("plot timeline", "plot agent", "plot spread", "plot gradnorm")) {
            assertTrue(html.contains("class=\"" + plot), plot);
        }
        Path png = out.resolve("report.png");
        // Root in a container: no sandbox; a small /dev/shm there: keep shared memory in /tmp.
        Process chromium = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1400,12000", "--screenshot=" + png,
                out.resolve("report.html").toUri().toString()).redirectErrorStream(true)
                .redirectOutput(out.resolve("chromium.log").toFile()).start();
        assertTrue(chromium.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "chromium finished");
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertTrue(image != null, Files.readString(out.resolve("chromium.log")));
        Map<String, Integer> drawn = new java.util.TreeMap<>(Map.of("TIPPING bars", 0xd1495b,
                "agent violation rate", 0x2e6f9e, "group spread", 0x6a4c93, "gradNorm accepted", 0x2a9d8f));
        for (Map.Entry<String, Integer> colour : drawn.entrySet()) {
            assertTrue(pixels(image, colour.getValue()) > 50, colour.getKey() + " drawn");
        }
    }

    private static long pixels(java.awt.image.BufferedImage image, int rgb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += (image.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void summaryCountsAndOutDirectoryFollowTheContract() throws Exception {
        int agents = 60 + 5 * 12;
        assertEquals(agents, result.summary().agents());
        assertEquals(agents * 300, result.summary().interactions());
        assertEquals(agents * 300 + 5, result.summary().recordsPerTopic().get("agent.interactions"));
        assertEquals(result.alerts().size(), result.summary().recordsPerTopic().get("alignment.alerts"));
        long acceptedPolicies = scenario.policyLines().size() - 1;
        assertEquals(acceptedPolicies, metrics.registry().get("ballast.policy.versions.accepted").counter().count(),
                "each accepted version once, not once per task (the bad version is rejected)");
        assertEquals(result.alerts().size(), metrics.registry().get("ballast.alert.latency").timer().count());
        Path out = dir.resolve("out");
        ReplayOutputs.write(out, result, null, null, null, null);
        for (String f : List.of("alerts.jsonl", "gate.jsonl", "triage.jsonl", "jobs.jsonl", "dlq.jsonl", "summary.json",
                "report.html")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertEquals(result.alerts().size(), Files.readAllLines(out.resolve("alerts.jsonl")).size());
        assertEquals(result.gateDecisions().size(), Files.readAllLines(out.resolve("gate.jsonl")).size());
        assertEquals(TriageSection.latest(result.triage()).size(), Files.readAllLines(out.resolve("triage.jsonl")).size());
        assertEquals(result.jobs().size(), Files.readAllLines(out.resolve("jobs.jsonl")).size());
    }
}
