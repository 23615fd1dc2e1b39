package dev.ballast.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.events.Alert;
import dev.ballast.events.EventJson;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.eval.DetectionScore;
import dev.ballast.streams.eval.DetectionScorer;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.replay.ReplayInputs;
import dev.ballast.streams.sim.AgentKind;
import dev.ballast.streams.sim.GroundTruth;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioFiles;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import moa.classifiers.core.driftdetection.PageHinkleyDM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluationHarnessTest {

    @Test
    void theReportSaysMoaIsTunedToTheCapAndBallastOnlyCheckedAgainstIt() {
        Calibration calibration = new Calibration(1_000, 4_050, 50, new double[]{0.05}, 1_000_000, 1L,
                "violation rates of 3 agents labelled STABLE", List.of());
        String line = EvaluationReport.budgetLine(calibration);
        assertTrue(line.contains("MOA's detectors are calibrated to at most 4 alarms on 4,000,000 in-control calibration "
                + "events"), line);
        assertTrue(line.contains("Ballast is not tuned on them") && line.contains("averages 4.0"), line);
        assertFalse(line.contains("every detector calibrated"), "Ballast's own count may exceed MOA's cap: " + line);
    }

    @Test
    void calibrationFindsTheMostSensitiveSettingWithinTheBudget() {
        Calibration c = new Calibration(1_000, 400, 50, new double[]{0.01, 0.03, 0.05}, 50_000, 1, "test rates", List.of());
        assertEquals(7, c.allowedAlarms());
        for (MoaDetector d : List.of(MoaDetector.PAGE_HINKLEY, MoaDetector.CUSUM)) {
            Calibration.Result r = c.calibrate(d);
            assertTrue(r.alarms() <= c.allowedAlarms(), d.name() + " " + r);
            double louder = d.quieterUp() ? r.value() * 0.8 : r.value() * 1.25;
            long louderAlarms = DetectorRuns.alarmsInControl(DetectorRuns.of(d.factory().apply(louder)), c.rates(), c.streams(),
                    c.length(), c.warmup(), c.seed());
            assertTrue(louderAlarms > c.allowedAlarms(), d.name() + ": a louder setting would also have met the budget");
        }
    }

    @Test
    void streamsSeeTheSameViolationsAsTheMonitorAndAlarmsScoreLikeAlerts() {
        Scenario s = new Simulator(ScenarioSpec.defaults(30, 300, 9)).generate();
        AgentStreams streams = AgentStreams.of(s.policyLines(), s.interactionLines());
        assertEquals(30, streams.byAgent.size());
        assertTrue(streams.byAgent.values().stream().allMatch(steps -> steps.size() == 300));
        BallastConfig config = BallastConfig.defaults();
        List<Alert> reference = OfflineRun.run(s.policyLines(), s.interactionLines(),
                new AgentMonitor(config.monitorSettings()), config.diffusion()).alerts();
        DetectionScorer scorer = new DetectionScorer(s.truth(), streams.positions);
        DetectionScore ballast = scorer.score(reference);
        assertEquals(1.0, ballast.kinds().get("TIPPING").recall());
        List<Alert> alarms = DetectorRuns.run(MoaDetector.CUSUM, 11, streams, config.warmupEvents());
        assertTrue(alarms.stream().allMatch(a -> streams.positions.position(a.triggerEventId()) >= config.warmupEvents()),
                "no alarm counted inside the warm-up");
        assertTrue(scorer.score(alarms).kinds().get("TIPPING").recall() > 0.5);
        assertEquals(0, streams.raisedElsewhere(reference), "the monitor's own alerts fire on violations of this input");
        List<Alert> shifted = reference.stream().map(a -> new Alert(a.alertId(), a.type(), a.agentId(), a.groupId(), a.triggerEventId(),
                a.eventTimestamp().plusSeconds(86_400), a.detectedAt(), a.detector(), a.score(), a.policyVersion(),
                a.evidence())).toList();
        assertEquals(reference.stream().filter(AgentStreams::isAgentAlert).count(), streams.raisedElsewhere(shifted),
                "the same event ids a day later: another input's");
    }

    @Test
    void zeroRatesAndUnreachableBudgetsAreReportedNotThrown() {
        // A truth without baseline rates once gave zeros here, and DDM's search threw at the loud end.
        Calibration silent = new Calibration(50, 400, 50, new double[]{0.0}, 50_000, 1, "zeros", List.of());
        for (MoaDetector d : MoaDetector.ALL) {
            Calibration.Result r = silent.calibrate(d);
            assertTrue(r.meetsBudget() && r.atEdge(), d.name() + " " + r);
            assertEquals("most sensitive setting in range", r.note());
        }
        MoaDetector alwaysAlarms = new MoaDetector("always", "lambda", 1, 2, true, v -> {
            PageHinkleyDM d = new PageHinkleyDM();
            d.lambdaOption.setValue(0.0);
            d.minNumInstancesOption.setValue(1);
            d.prepareForUse();
            return d;
        });
        Calibration tight = new Calibration(50, 400, 50, new double[]{0.5}, 1e9, 1, "halves", List.of());
        Calibration.Result r = tight.calibrate(alwaysAlarms);
        assertFalse(r.meetsBudget(), r.toString());
        assertEquals(2.0, r.value(), "its best setting: the quietest in range");
        assertEquals("cannot meet the budget; quietest setting in range", r.note());
    }

    @Test
    void inControlRatesComeFromTheInputNeverFromStatedRates() {
        Scenario s = new Simulator(ScenarioSpec.defaults(30, 300, 9)).generate();
        AgentStreams streams = AgentStreams.of(s.policyLines(), s.interactionLines());
        int warmup = BallastConfig.defaults().warmupEvents();
        InControlRates warm = InControlRates.of(streams, null, warmup);
        assertEquals(30, warm.rates().length);
        assertTrue(warm.source().contains("first " + warmup + " events (warm-up)"), warm.source());
        List<GroundTruth.AgentTruth> unstated = s.truth().agents().stream().map(a -> new GroundTruth.AgentTruth(
                a.agentId(), a.groupId(), a.kind(), 0.0, a.changeRound(), a.changeEventId())).toList();
        long stable = unstated.stream().filter(a -> a.kind() == AgentKind.STABLE).count();
        GroundTruth t = s.truth();
        InControlRates labelled = InControlRates.of(streams, new GroundTruth(t.seed(), t.rounds(), t.start(),
                t.roundSeconds(), unstated, t.policies(), t.malformedLines(), t.groups(), t.candidates(), t.datasets(),
                t.preferences()), warmup);
        assertEquals(stable, labelled.rates().length);
        assertTrue(labelled.source().contains("labelled STABLE"), labelled.source());
        assertTrue(java.util.Arrays.stream(labelled.rates()).anyMatch(rate -> rate > 0),
                "measured on the input, not the truth's zeros");
    }

    /**
     * Ballast reads rewards, so its calibration streams are drawn from in-control events with
     * their rewards: same violation rates as the Bernoulli streams, and its paid-violation
     * statistic exercised. At a budget of 20,000 events it stays within the allowance.
     */
    @Test
    void ballastCalibratesOnInControlEventsWithTheirRewards() {
        Scenario s = new Simulator(ScenarioSpec.defaults(60, 400, 17)).generate();
        AgentStreams streams = AgentStreams.of(s.policyLines(), s.interactionLines());
        InControlRates stable = InControlRates.of(streams, s.truth(), 50);
        assertTrue(stable.segments().stream().flatMap(List::stream).anyMatch(step -> step.reward() != null));
        Calibration drawn = new Calibration(1_000, 400, 50, stable.rates(), 20_000, 3, stable.source(), stable.segments());
        java.util.Properties props = new java.util.Properties();
        props.setProperty("drift.false.alarm.budget.events", "20000");
        BallastConfig config = BallastConfig.parse(props, java.util.Map.of());
        assertNotNull(config.monitorSettings().reward(), "reward-aware detection is on by default");
        long alarms = drawn.ballastAlarms(config.monitorSettings());
        assertTrue(alarms <= drawn.allowedAlarms(), alarms + " alarms, " + drawn.allowedAlarms() + " allowed");
    }

    @Test
    void evaluateRunsWithoutStatedRatesAndSaysWhatItCalibratedOn(@TempDir Path dir) throws Exception {
        Scenario s = new Simulator(ScenarioSpec.defaults(20, 300, 13)).generate();
        GroundTruth t = s.truth();
        List<GroundTruth.AgentTruth> unstated = t.agents().stream().map(a -> new GroundTruth.AgentTruth(
                a.agentId(), a.groupId(), a.kind(), 0.0, a.changeRound(), a.changeEventId())).collect(
                java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
        unstated.add(new GroundTruth.AgentTruth("ghost", null, dev.ballast.streams.sim.AgentKind.TIPPING, 0.0, 5, "ghost-r5"));
        Path out = evaluatedWithOwnAlerts(dir, s, new GroundTruth(t.seed(), t.rounds(), t.start(), t.roundSeconds(),
                unstated, t.policies(), t.malformedLines(), t.groups(), t.candidates(), t.datasets(), t.preferences()));
        String md = Files.readString(out.resolve("evaluation.md"));
        assertTrue(md.contains("agents labelled STABLE in the truth"), md);
        assertTrue(md.contains("MOA DDM | outcontrolLevel=5.000 (cannot meet the budget; quietest setting in range)"), md);
        assertTrue(md.contains("1 changed agent(s) not scored: their changeEventId is not among their interactions in "
                + "the input (ghost); left out of every detector's figures."), md);
    }

    @Test
    void anInputWithoutInteractionsIsRefusedBeforeAnythingIsReplayed(@TempDir Path dir) throws Exception {
        Scenario s = new Simulator(ScenarioSpec.defaults(20, 300, 13)).generate();
        Path input = dir.resolve("in");
        ScenarioFiles.write(s, input);
        Files.delete(input.resolve("interactions.jsonl"));
        EvaluateCommand command = new EvaluateCommand();
        command.inputs = List.of(input);
        command.out = dir.resolve("out");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                command::call);
        assertTrue(e.getMessage().startsWith("no interactions to evaluate in " + input), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")), "nothing run, nothing written");
    }

    @Test
    void recordsTheMonitorDeadLettersUnreadAreNoEventsOfTheStreams(@TempDir Path dir) throws Exception {
        Scenario s = new Simulator(ScenarioSpec.defaults(3, 100, 17)).generate();
        ScenarioFiles.write(s, dir);
        String last = s.interactionLines().get(s.interactionLines().size() - 1);
        String oversized = last.replace("\"agentId\"", "\"note\":\"" + "x".repeat(2_000) + "\",\"agentId\"")
                .replace("\"eventId\":\"", "\"eventId\":\"big-");
        Files.writeString(dir.resolve("interactions.jsonl"), oversized + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        ReplayInputs inputs = ReplayInputs.read(dir);
        AgentStreams all = AgentStreams.of(inputs, Integer.MAX_VALUE);
        AgentStreams limited = AgentStreams.of(inputs, oversized.length() - 1);
        assertEquals(all.positions.events() - 1, limited.positions.events());
        assertEquals(AgentStreams.of(s.policyLines(), s.interactionLines()).positions.events(), limited.positions.events());
    }

    @Test
    void anInputTooLargeForTheHeapIsRefusedBeforeAnythingRunsWithWhatToDo() {
        long heap = 1L << 30;
        EvaluateCommand.requireHeap(heap / 2 / EvaluateCommand.BYTES_PER_EVENT, heap);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EvaluateCommand.requireHeap(3_000_000, heap));
        assertEquals("3,000,000 interactions take about 572 MB here (every agent's judged events are kept for the "
                + "detectors compared), more than half of this JVM's 1,024 MB heap: give it more "
                + "(BALLAST_JAVA_OPTS=-Xmx...), or evaluate fewer agents at a time", e.getMessage());
    }

    @Test
    void aCalibrationOfNoEventsIsRefused(@TempDir Path dir) {
        EvaluateCommand command = new EvaluateCommand();
        command.inputs = List.of(dir);
        command.calibrationEvents = 0;
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                command::call);
        assertTrue(e.getMessage().startsWith("--calibration-events must be at least 1 (got 0)"), e.getMessage());
    }
    @Test
    void alertsOfAnotherInputAreRefused(@TempDir Path dir) throws Exception {
        BallastConfig config = BallastConfig.defaults();
        Path alerts = dir.resolve("alerts.jsonl");
        Scenario other = new Simulator(ScenarioSpec.defaults(20, 300, 14)).generate();
        Files.write(alerts, OfflineRun.run(other.policyLines(), other.interactionLines(),
                new AgentMonitor(config.monitorSettings()), config.diffusion()).alerts().stream()
                .map(EventJson::writeString).toList());
        Path input = dir.resolve("in");
        ScenarioFiles.write(new Simulator(ScenarioSpec.defaults(20, 300, 13)).generate(), input);
        EvaluateCommand command = new EvaluateCommand();
        command.inputs = List.of(input);
        command.alerts = alerts;
        command.out = dir.resolve("out");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                command::call);
        assertTrue(e.getMessage().matches("(\\d+) of the \\1 agent alerts in .* were not raised by an event of .*: "
                + "--alerts must come from a replay of this input"), e.getMessage());
    }

    /** Group-only truth (a user labelling groups, not agents): no MOA run for nothing, no empty table without a word. */
    @Test
    void groupOnlyTruthScoresGroupsAndSaysThereIsNoAgentToScore(@TempDir Path dir) throws Exception {
        Scenario s = new Simulator(ScenarioSpec.defaults(1, 300, 17)
                .withGroups(ScenarioSpec.GroupSpec.NONE.withCounts(2, 1))).generate();
        GroundTruth t = s.truth();
        Path out = evaluatedWithOwnAlerts(dir, s, new GroundTruth(t.seed(), t.rounds(), t.start(), t.roundSeconds(),
                List.of(), t.policies(), t.malformedLines(), t.groups(), null, null, null));
        String md = Files.readString(out.resolve("evaluation.md"));
        assertTrue(md.contains("No agent of the truth file is TIPPING, DRIFT or POLICY_SENSITIVE"), md);
        String json = Files.readString(out.resolve("evaluation.json"));
        assertFalse(json.contains("MOA"), "no MOA detector calibrated for nothing: " + json);
        assertTrue(json.contains("\"contagiousGroups\" : 2"), json);
    }

    /**
     * Several inputs through the command as a user runs it: each replayed and evaluated into its own
     * directory, then compared and pooled; the pooled agents are the inputs' agents together.
     */
    @Test
    void severalInputsAreEvaluatedEachIntoItsOwnDirectoryAndPooled(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("seed-13");
        Path second = dir.resolve("seed-14");
        // The first with the gate's and triage's inputs, which evaluate leaves out; the second without.
        ScenarioFiles.write(new Simulator(ScenarioSpec.defaults(20, 300, 13)).generate(), first);
        Scenario s = new Simulator(ScenarioSpec.defaults(20, 300, 14)).generate();
        ScenarioFiles.write(new Scenario(s.policyLines(), s.interactionLines(), List.of(), List.of(), s.truth()), second);
        Path out = dir.resolve("out");
        int exit = new CommandLine(new EvaluateCommand()).execute("--input", first.toString(), second.toString(),
                "--out", out.toString(), "--calibration-events", "200000");
        assertEquals(0, exit);
        JsonNode one = EventJson.LENIENT.readTree(out.resolve("seed-13/evaluation.json").toFile());
        JsonNode two = EventJson.LENIENT.readTree(out.resolve("seed-14/evaluation.json").toFile());
        JsonNode summary = EventJson.LENIENT.readTree(out.resolve("summary.json").toFile());
        assertTrue(Files.isRegularFile(out.resolve("seed-13/alerts.jsonl")), "each input's replay outputs in its directory");
        JsonNode replayed = EventJson.LENIENT.readTree(out.resolve("seed-13/summary.json").toFile());
        List<String> replayedFiles = new ArrayList<>();
        replayed.path("inputs").fieldNames().forEachRemaining(replayedFiles::add);
        assertEquals(List.of("policies.jsonl", "interactions.jsonl"), replayedFiles,
                "candidates and preferences are no part of detection: not replayed");
        assertFalse(replayed.path("processors").toString().contains("gate"), replayed.toString());
        int agents = 0;
        for (JsonNode evaluation : List.of(one, two)) {
            agents += evaluation.path("detectors").get(0).path("score").path("kinds").path("TIPPING").path("agents").asInt();
        }
        JsonNode pooledBallast = summary.path("pooled").get(0);
        assertEquals("Ballast", pooledBallast.path("detector").asText());
        assertTrue(agents > 0);
        assertEquals(agents, pooledBallast.path("score").path("kinds").path("TIPPING").path("agents").asInt());
        assertEquals(5, summary.path("pooled").size(), "Ballast and MOA's four detectors");
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("| seed-13 | ") && md.contains("| seed-14 | ") && md.contains("| **all 2 pooled** | "), md);
    }

    @Test
    void severalInputsAreCheckedBeforeAnyRunsAndTakeNoSingleTruthOrAlerts(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("a");
        Path second = dir.resolve("b");
        ScenarioFiles.write(new Simulator(ScenarioSpec.defaults(3, 100, 13)).generate(), first);
        ScenarioFiles.write(new Simulator(ScenarioSpec.defaults(3, 100, 14)).generate(), second);
        Files.delete(second.resolve(ScenarioFiles.TRUTH));
        EvaluateCommand command = new EvaluateCommand();
        command.inputs = List.of(first, second);
        command.out = dir.resolve("out");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                command::call);
        assertEquals("no ground truth at " + second.resolve(ScenarioFiles.TRUTH) + "; with several inputs, each needs its "
                + "own truth.json (format: README, \"Ground truth\")", e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")), "the first input was not run for nothing");
        command.alerts = dir.resolve("alerts.jsonl");
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, command::call);
        assertTrue(e.getMessage().startsWith("--truth and --alerts name one input's files"), e.getMessage());
    }

    /**
     * Writes {@code s}'s policies and interactions with {@code truth}, and the alerts its offline
     * run raises, then evaluates them with a small calibration; the output directory.
     */
    private static Path evaluatedWithOwnAlerts(Path dir, Scenario s, GroundTruth truth) throws Exception {
        Path input = dir.resolve("in");
        ScenarioFiles.write(new Scenario(s.policyLines(), s.interactionLines(), List.of(), List.of(), truth), input);
        BallastConfig config = BallastConfig.defaults();
        Path alerts = dir.resolve("alerts.jsonl");
        Files.write(alerts, OfflineRun.run(s.policyLines(), s.interactionLines(), new AgentMonitor(config.monitorSettings()),
                config.diffusion()).alerts().stream().map(EventJson::writeString).toList());
        Path out = dir.resolve("out");
        int exit = new CommandLine(new EvaluateCommand()).execute("--input", input.toString(), "--alerts", alerts.toString(),
                "--out", out.toString(), "--calibration-events", "200000");
        assertEquals(0, exit);
        return out;
    }
}
