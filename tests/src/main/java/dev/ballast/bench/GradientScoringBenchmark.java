package dev.ballast.bench;

import ai.djl.Device;
import dev.ballast.events.EventJson;
import dev.ballast.model.BuiltinLm;
import dev.ballast.model.DjlRuntime;
import dev.ballast.model.ModelStore;
import dev.ballast.model.corpus.TextWorld;
import dev.ballast.model.lm.TextSample;
import dev.ballast.model.scoring.GradientLayers;
import dev.ballast.model.scoring.LengthOrder;
import dev.ballast.model.scoring.SampleScore;
import dev.ballast.streams.config.BallastConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Per-sample gradient-norm scoring on CPU with the built-in model: the batched path (one backward
 * pass per batch, norms from layer inputs and output gradients) against the naive reference (one
 * backward pass per sample), on the same samples, in one run. Also checks, on every sample, that
 * both give the same norm. Writes {@code gradient-scoring.json}; it never fails on a timing.
 *
 * <p>Run: {@code mvn -B -Pbench -pl tests -am verify -DskipTests} (figures in {@code tests/target/bench}).
 */
public final class GradientScoringBenchmark {
    private GradientScoringBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int samples = Integer.parseInt(System.getProperty("bench.samples", "1024"));
        int rounds = Integer.parseInt(System.getProperty("bench.rounds", "5"));
        int warmup = Integer.parseInt(System.getProperty("bench.warmup", "3"));
        Path out = Path.of(System.getProperty("bench.out", "target/bench"));
        DjlRuntime.prepare();
        ModelStore store = new ModelStore(BallastConfig.defaults().modelRunner().dir());
        String version = BuiltinLm.ensureBuiltin(store, Device.cpu(), line -> System.out.println("model: " + line));
        List<TextSample> data = mix(samples);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("model", version);
        figures.put("samples", samples);
        figures.put("warmupPasses", warmup);
        figures.put("rounds", rounds);
        figures.put("threads", Runtime.getRuntime().availableProcessors());
        try (BuiltinLm lm = BuiltinLm.load(store.versionDir(version), Device.cpu(), GradientLayers.last(0))) {
            System.out.printf("gradient scoring: %d samples, %d warm-up passes, best of %d rounds, model %s (%,d parameters)%n",
                    samples, warmup, rounds, version, lm.block().parameterCount());
            double naive = throughput("naive, one backward per sample", data, warmup, rounds, lm::scoreNaively, 1);
            figures.put("naiveSamplesPerSecond", round(naive));
            List<SampleScore> reference = lm.scoreNaively(data);
            // Batched as the scoring service batches: by response length, so batches carry little padding.
            int[] order = LengthOrder.of(data);
            List<TextSample> sorted = java.util.Arrays.stream(order).mapToObj(data::get).toList();
            List<SampleScore> sortedReference = java.util.Arrays.stream(order).mapToObj(reference::get).toList();
            for (int batch : new int[]{32, 128}) {
                double batched = throughput("batched, " + batch + " per backward", sorted, warmup, rounds, lm::score, batch);
                List<SampleScore> scored = inBatches(lm::score, sorted, batch);
                double worst = 0;
                for (int i = 0; i < data.size(); i++) {
                    double n = sortedReference.get(i).gradNorm();
                    worst = Math.max(worst, Math.abs(scored.get(i).gradNorm() - n) / Math.max(n, 1e-12));
                }
                figures.put("batched" + batch + "SamplesPerSecond", round(batched));
                figures.put("speedupAtBatch" + batch, round(batched / naive));
                figures.put("maxRelativeDifferenceAtBatch" + batch, worst);
                System.out.printf("  batch %3d: %.1fx the naive throughput; largest relative difference %.2e%n", batch,
                        batched / naive, worst);
            }
        }
        Files.createDirectories(out);
        Path file = out.resolve("gradient-scoring.json");
        Files.writeString(file, EventJson.LENIENT.writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n");
        System.out.println("figures in " + file.toAbsolutePath());
    }

    private static List<TextSample> mix(int n) {
        SplittableRandom rng = new SplittableRandom(2026);
        List<TextSample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(switch (i % 10) {
                case 0 -> TextWorld.harmfulCompliance(rng);
                case 1 -> TextWorld.refusal(rng);
                case 2 -> TextWorld.ruleBreaking(rng, rng.nextBoolean());
                default -> TextWorld.task(rng);
            });
        }
        return out;
    }

    private static double throughput(String label, List<TextSample> data, int warmup, int rounds,
                                     Function<List<TextSample>, List<SampleScore>> scorer, int batch) {
        // Full passes before timing: the JIT compiles the Java side of each path, and the native
        // allocator settles on the batch sizes, only after a few hundred batches.
        for (int w = 0; w < warmup; w++) {
            inBatches(scorer, data, batch);
        }
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            inBatches(scorer, data, batch);
            best = Math.max(best, data.size() / ((System.nanoTime() - t0) / 1e9));
        }
        System.out.printf("  %-32s %,10.0f samples/s%n", label, best);
        return best;
    }

    private static List<SampleScore> inBatches(Function<List<TextSample>, List<SampleScore>> scorer,
                                               List<TextSample> data, int batch) {
        List<SampleScore> out = new ArrayList<>(data.size());
        for (int from = 0; from < data.size(); from += batch) {
            out.addAll(scorer.apply(data.subList(from, Math.min(data.size(), from + batch))));
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
