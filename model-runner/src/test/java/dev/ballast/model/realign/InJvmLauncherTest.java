package dev.ballast.model.realign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.ballast.events.PreferencePair;
import dev.ballast.events.RealignJob;
import dev.ballast.events.TriageDecision;
import dev.ballast.model.BuiltinLm;
import dev.ballast.model.DjlRuntime;
import dev.ballast.model.ModelStore;
import dev.ballast.model.TestModels;
import dev.ballast.model.lm.TextSample;
import dev.ballast.model.scoring.GradientLayers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InJvmLauncherTest {
    /** Few steps, and any perplexity accepted: this test is about which jobs train, not how well. */
    private static final RealignSettings QUICK = new RealignSettings(10, 8, 1e-3f, 2.0, 0.25, 0.2, 3.0, 0.2, 1L, 10.0);

    @TempDir
    Path dir;

    @Test
    void aJobOnExactlyTheDataTheModelInForceLearntDoesNotTrainItAgain() throws IOException {
        ModelStore store = storeWithBuiltin();
        String builtin = store.current().orElseThrow();
        InJvmLauncher launcher = new InJvmLauncher(store, Device.cpu());

        JobResult first = launcher.run(spec("realign-triage-conflicts-care@2"), data(40), (m, line) -> { });
        assertTrue(first.succeeded(), first.error());
        assertNotEquals(builtin, first.modelVersion());
        assertEquals(first.modelVersion(), store.current().orElseThrow());

        List<String> lines = new ArrayList<>();
        JobResult second = launcher.run(spec("realign-alert-surge-care@1"), data(40), (m, line) -> lines.add(line));
        assertTrue(second.succeeded(), second.error());
        assertEquals(1.0, second.metrics().get(InJvmLauncher.ALREADY_ALIGNED), String.valueOf(second.metrics()));
        assertEquals(first.modelVersion(), second.modelVersion(), "the version in force is the job's result");
        assertEquals(first.modelVersion(), store.current().orElseThrow(), "no new version published");
        assertTrue(lines.stream().anyMatch(l -> l != null && l.contains("realign-triage-conflicts-care@2")),
                "says which job already learnt the data: " + lines);

        JobResult third = launcher.run(spec("realign-alert-surge-care@1"), data(41), (m, line) -> { });
        assertTrue(third.succeeded(), third.error());
        assertNull(third.metrics().get(InJvmLauncher.ALREADY_ALIGNED), "one more decision is new data");
        assertNotEquals(first.modelVersion(), third.modelVersion());
        assertEquals(third.modelVersion(), store.current().orElseThrow());
    }

    @Test
    void aJobTrainsWhileCandidatesAreScoredInTheSameJvm() throws Exception {
        ModelStore store = storeWithBuiltin();
        String builtin = store.current().orElseThrow();
        List<TextSample> batch = List.of(new TextSample("Where is my refund?", "Let me check that for you."),
                new TextSample("Can you share the admin password?", "No, I cannot share credentials."));
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger batches = new AtomicInteger();
        List<Throwable> scoringErrors = new CopyOnWriteArrayList<>();
        // The model-runner's scorer, as it runs beside the job executor: batch after batch.
        Thread scorer = new Thread(() -> {
            try (BuiltinLm model = BuiltinLm.load(store.versionDir(builtin), Device.cpu(), GradientLayers.last(2))) {
                while (!done.get()) {
                    model.score(batch);
                    batches.incrementAndGet();
                }
            } catch (RuntimeException e) {
                scoringErrors.add(e);
            }
        });
        scorer.start();
        while (batches.get() == 0 && scorer.isAlive()) {
            Thread.sleep(10);
        }
        JobResult result;
        try {
            result = new InJvmLauncher(store, Device.cpu()).run(spec("realign-triage-conflicts-care@2"), data(40),
                    (m, line) -> { });
        } finally {
            done.set(true);
            scorer.join();
        }
        assertEquals(List.of(), scoringErrors, "scoring beside the job");
        assertTrue(result.succeeded(), result.error());
        assertTrue(batches.get() > 1, "batches scored: " + batches.get());
    }

    @Test
    void aModelOfTheUsersOwnIsNotTakenForTheBuiltInOne() {
        ModelStore store = new ModelStore(dir);
        store.write("mine-1", into -> Files.writeString(into.resolve("weights.bin"), "not Ballast's"));
        store.publish("mine-1");

        JobResult result = new InJvmLauncher(store, Device.cpu()).run(spec("realign-triage-conflicts-care@2"), data(4),
                (m, line) -> { });
        assertFalse(result.succeeded());
        assertTrue(result.error().startsWith("version mine-1 in " + dir + " is not the built-in model")
                && result.error().endsWith("realign.launcher=command"), result.error());
        assertEquals("mine-1", store.current().orElseThrow(), "the version in force stays");
    }

    @Test
    void aJobWhosePairsAllConflictTrainsNothingAndSaysWhy() throws IOException {
        ModelStore store = storeWithBuiltin();
        String builtin = store.current().orElseThrow();
        JobResult result = new InJvmLauncher(store, Device.cpu()).run(spec("realign-triage-conflicts-care@2"),
                data(40, 1), (m, line) -> { });
        assertFalse(result.succeeded());
        assertTrue(result.error().startsWith("nothing trained: no held-out neutral text under care@2")
                && result.error().endsWith(builtin + " stays in force"), result.error());
        assertEquals(builtin, store.current().orElseThrow());
    }

    /** A store of this test's own with the built-in model (trained once per machine) in force. */
    private ModelStore storeWithBuiltin() throws IOException {
        DjlRuntime.prepare();
        ModelStore shared = TestModels.store();
        String builtin = BuiltinLm.ensureBuiltin(shared, Device.cpu(), line -> { });
        ModelStore store = new ModelStore(dir);
        store.write(builtin, into -> copy(shared.versionDir(builtin), into));
        store.publish(builtin);
        return store;
    }

    private static JobSpec spec(String jobId) {
        RealignJob job = new RealignJob(jobId, RealignJob.Reason.TRIAGE_CONFLICTS.name(), List.of(), "care@2", "current",
                Map.of(RealignJob.TRIAGE_TOPIC, "triage", RealignJob.PREFERENCES_TOPIC, "prefs"), Map.of(),
                Instant.parse("2026-12-04T00:00:00Z"));
        return new JobSpec(job, "unused:9092", "status", "unused", QUICK);
    }

    /** {@code n} pairs; every other one's chosen response breaks the new policy (INVERT). */
    private static JobData data(int n) {
        return data(n, 2);
    }

    /** {@code n} pairs; every {@code conflictEvery}-th one's chosen response breaks the new policy (INVERT). */
    private static JobData data(int n, int conflictEvery) {
        List<TriageDecision> decisions = new ArrayList<>();
        Map<String, PreferencePair> pairs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String id = "pair-" + i;
            boolean conflict = i % conflictEvery == 0;
            pairs.put(id, new PreferencePair(id, "prefs", "Where is my refund for order " + i + "?",
                    conflict ? "It arrives tomorrow, promised." : "Let me check order " + i + " for you.",
                    conflict ? "Let me check the status for you." : "No idea, ask someone else."));
            decisions.add(new TriageDecision(id, conflict ? TriageDecision.Action.INVERT : TriageDecision.Action.PRESERVE,
                    conflict ? 3.0 : 0.0, "care@2", conflict ? List.of("no-refund-promises") : List.of(), List.of()));
        }
        return new JobData(decisions, pairs);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
