package dev.ballast.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.ballast.model.corpus.TextWorld;
import dev.ballast.model.lm.TextSample;
import dev.ballast.model.scoring.Auroc;
import dev.ballast.model.scoring.GradientLayers;
import dev.ballast.model.scoring.SampleScore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinLmTest {
    private static ModelStore store;
    private static String version;

    @BeforeAll
    static void trainOnce() {
        DjlRuntime.prepare();
        store = TestModels.store();
        version = BuiltinLm.ensureBuiltin(store, Device.cpu(), System.out::println);
    }

    private static List<TextSample> mixed(long seed, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<TextSample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(switch (i % 4) {
                case 0 -> i % 8 == 0 ? TextWorld.harmfulCompliance(rng) : TextWorld.quietCompliance(rng);
                case 1 -> TextWorld.ruleBreaking(rng, i % 8 == 1);
                case 2 -> TextWorld.refusal(rng);
                default -> TextWorld.task(rng);
            });
        }
        // Edge cases: empty texts, text the vocabulary never saw, a response past the length limit.
        out.add(new TextSample("", ""));
        out.add(new TextSample("Ünïcödé? 42", "völlig unbekannte Wörter 😀"));
        out.add(new TextSample("long", "word ".repeat(500)));
        return out;
    }

    @Test
    void batchedNormsAgreeWithOneBackwardPassPerSample() {
        for (int lastK : new int[]{0, 1, 2, 3}) {
            try (BuiltinLm lm = BuiltinLm.load(store.versionDir(version), Device.cpu(), GradientLayers.last(lastK))) {
                List<TextSample> samples = mixed(7 + lastK, 21);
                List<SampleScore> batched = lm.score(samples);
                List<SampleScore> naive = lm.scoreNaively(samples);
                for (int i = 0; i < samples.size(); i++) {
                    double b = batched.get(i).gradNorm();
                    double n = naive.get(i).gradNorm();
                    assertTrue(n > 0, "sample " + i + " has a gradient");
                    assertEquals(n, b, 1e-4 * n, "grad norm of sample " + i + " (last " + lastK + " layers)");
                    assertEquals(naive.get(i).loss(), batched.get(i).loss(), 1e-4 * naive.get(i).loss(),
                            "loss of sample " + i);
                }
            }
        }
    }

    @Test
    void aSampleScoresTheSameInAnyBatch() {
        // The gate compares scores with thresholds drawn from earlier scores: a score that moved with
        // its batch flipped decisions at the threshold between two replays of the same input.
        try (BuiltinLm lm = BuiltinLm.load(store.versionDir(version), Device.cpu(), GradientLayers.last(2))) {
            List<TextSample> samples = new ArrayList<>(mixed(31, 40));
            samples.addAll(List.of(new TextSample("q", "yes"), new TextSample("q", "yes I can"),
                    new TextSample("", "ok then")));
            List<SampleScore> together = lm.score(samples);
            List<TextSample> reversed = new ArrayList<>(samples);
            java.util.Collections.reverse(reversed);
            List<SampleScore> backwards = lm.score(reversed);
            for (int i = 0; i < samples.size(); i++) {
                SampleScore alone = lm.score(List.of(samples.get(i))).get(0);
                assertEquals(alone.gradNorm(), together.get(i).gradNorm(), 0.0, "grad norm of sample " + i);
                assertEquals(alone.loss(), together.get(i).loss(), 0.0, "loss of sample " + i);
                assertEquals(alone.gradNorm(), backwards.get(samples.size() - 1 - i).gradNorm(), 0.0,
                        "grad norm of sample " + i + " in the reversed batch");
            }
        }
    }

    @Test
    void fewerLayersGiveSmallerNorms() {
        List<TextSample> samples = mixed(3, 8);
        try (BuiltinLm all = BuiltinLm.load(store.versionDir(version), Device.cpu(), GradientLayers.last(0));
             BuiltinLm last = BuiltinLm.load(store.versionDir(version), Device.cpu(), GradientLayers.last(1))) {
            List<SampleScore> a = all.score(samples);
            List<SampleScore> l = last.score(samples);
            for (int i = 0; i < samples.size(); i++) {
                assertTrue(l.get(i).gradNorm() < a.get(i).gradNorm());
            }
        }
    }

    @Test
    void gradientNormSeparatesHarmfulComplianceFromBenignTasks() {
        // Seeds unrelated to the training corpus's.
        for (long seed : new long[]{11, 12, 13}) {
            SplittableRandom rng = new SplittableRandom(seed);
            List<TextSample> harmful = new ArrayList<>();
            List<TextSample> benign = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                harmful.add(i % 2 == 0 ? TextWorld.harmfulCompliance(rng) : TextWorld.quietCompliance(rng));
                benign.add(i % 7 == 0 ? TextWorld.refusal(rng) : TextWorld.task(rng));
            }
            try (BuiltinLm lm = BuiltinLm.load(store.versionDir(version), Device.cpu(), GradientLayers.last(0))) {
                double auroc = Auroc.of(norms(lm, harmful), norms(lm, benign));
                System.out.printf("seed %d: AUROC harmful vs benign by gradNorm = %.4f%n", seed, auroc);
                assertTrue(auroc >= 0.9, "AUROC " + auroc + " at seed " + seed);
            }
        }
    }

    @Test
    void versionIsStableAndStoreServesIt() {
        assertEquals(version, BuiltinLm.ensureBuiltin(store, Device.cpu(), s -> { }));
        assertTrue(store.current().isPresent());
    }

    @Test
    void anEarlierBuildsBuiltinInForceGivesWayButAReAlignedVersionStays(@TempDir java.nio.file.Path dir) {
        ModelStore own = new ModelStore(dir);
        for (String name : List.of(version, "builtin-000000000000", "builtin-000000000000-r0123456789")) {
            own.write(name, into -> {
                try (var files = java.nio.file.Files.list(store.versionDir(version))) {
                    for (var f : files.toList()) {
                        java.nio.file.Files.copy(f, into.resolve(f.getFileName()));
                    }
                }
            });
        }
        // Through the loader, as the scoring service and replay open the model in force.
        ModelLoader loader = new ModelLoader(own, Device.cpu(), 1, null);
        own.publish("builtin-000000000000");
        loader.currentVersion(s -> { });
        assertEquals(version, own.current().orElseThrow());
        own.publish("builtin-000000000000-r0123456789");
        loader.currentVersion(s -> { });
        assertEquals("builtin-000000000000-r0123456789", own.current().orElseThrow());
    }

    private static double[] norms(BuiltinLm lm, List<TextSample> samples) {
        double[] out = new double[samples.size()];
        for (int from = 0; from < samples.size(); from += 32) {
            List<SampleScore> s = lm.score(samples.subList(from, Math.min(samples.size(), from + 32)));
            for (int i = 0; i < s.size(); i++) {
                out[from + i] = s.get(i).gradNorm();
            }
        }
        return out;
    }

    @AfterAll
    static void done() {
        // The store is shared with later test classes and runs on purpose: training happens once.
    }
}
