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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Per-sample gradient-norm scoring on CPU with the built-in model: the batched path (one backward
 * pass per batch, norms from layer inputs and output gradients) against the naive reference (one
 * backward pass per sample), on the same samples, in one run of interleaved rounds. Also checks, on
 * every sample, that both give the same norm. Writes {@code gradient-scoring.json}; it never fails
 * on a timing.
 *
 * <p>Run: {@code mvn -B -Pbench -pl tests -am verify -DskipTests} (figures in {@code tests/target/bench}).
 */
public final class GradientScoringBenchmark {
    private GradientScoringBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int samples = Integer.parseInt(System.getProperty("bench.samples", "1024"));
        int rounds = Integer.parseInt(System.getProperty("bench.rounds", "7"));
        int warmup = Integer.parseInt(System.getProperty("bench.warmup", "3"));
        Path out = Path.of(System.getProperty("bench.out", "target/bench"));
        DjlRuntime.prepare();
        ModelStore store = new ModelStore(BallastConfig.defaults().modelRunner().dir());
        String version = BuiltinLm.ensureBuiltin(store, Device.cpu(), line -> System.out.println("model: " + line));
        List<TextSample> data = mix(samples);
        // Batched as the scoring service batches: by response length, so batches carry little padding.
        int[] order = LengthOrder.of(data);
        List<TextSample> sorted = Arrays.stream(order).mapToObj(data::get).toList();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("model", version);
        figures.put("samples", samples);
        figures.put("warmupPasses", warmup);
        figures.put("rounds", rounds);
        figures.put("threads", Runtime.getRuntime().availableProcessors());
        // The native allocator's settings change batched throughput by up to 2.5x (see the launcher).
        figures.put("mallocMmapThreshold", String.valueOf(System.getenv("MALLOC_MMAP_THRESHOLD_")));
        figures.put("mallocTrimThreshold", String.valueOf(System.getenv("MALLOC_TRIM_THRESHOLD_")));
        try (BuiltinLm lm = BuiltinLm.load(store.versionDir(version), Device.cpu(), GradientLayers.last(0))) {
            figures.put("parameters", lm.block().parameterCount());
            System.out.printf("gradient scoring: %d samples, %d warm-up passes, %d paired rounds, model %s (%,d parameters)%n",
                    samples, warmup, rounds, version, lm.block().parameterCount());
            List<Scorer> scorers = List.of(new Scorer("naive", 1, lm::scoreNaively), new Scorer("batched32", 32, lm::score),
                    new Scorer("batched128", 128, lm::score));
            // Full passes before timing: the JIT compiles the Java side of each path, and the native
            // allocator settles on the batch sizes, only after a few hundred batches.
            for (int w = 0; w < warmup; w++) {
                scorers.forEach(s -> s.pass(s.batch() == 1 ? data : sorted));
            }
            // Rounds interleave the paths, so a round's ratios compare passes that ran under the same
            // machine conditions; the median over rounds is the figure, robust to a disturbed round.
            Map<String, double[]> perRound = new LinkedHashMap<>();
            scorers.forEach(s -> perRound.put(s.name(), new double[rounds]));
            for (int r = 0; r < rounds; r++) {
                for (Scorer s : scorers) {
                    perRound.get(s.name())[r] = s.throughput(s.batch() == 1 ? data : sorted);
                }
            }
            double[] naive = perRound.get("naive");
            figures.put("naiveSamplesPerSecond", round(median(naive)));
            System.out.printf("  %-34s %,8.0f samples/s (median of rounds)%n", "naive, one backward per sample",
                    median(naive));
            List<SampleScore> reference = lm.scoreNaively(data);
            List<SampleScore> sortedReference = Arrays.stream(order).mapToObj(reference::get).toList();
            for (Scorer batched : scorers.subList(1, scorers.size())) {
                double[] throughput = perRound.get(batched.name());
                double[] ratios = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratios[r] = throughput[r] / naive[r];
                }
                List<SampleScore> scored = batched.pass(sorted);
                double worst = 0;
                for (int i = 0; i < data.size(); i++) {
                    double n = sortedReference.get(i).gradNorm();
                    worst = Math.max(worst, Math.abs(scored.get(i).gradNorm() - n) / Math.max(n, 1e-12));
                }
                double[] sortedRatios = ratios.clone();
                Arrays.sort(sortedRatios);
                figures.put(batched.name() + "SamplesPerSecond", round(median(throughput)));
                figures.put("speedupAtBatch" + batched.batch(), round(median(ratios)));
                figures.put("speedupRangeAtBatch" + batched.batch(), List.of(round(sortedRatios[0]),
                        round(sortedRatios[rounds - 1])));
                figures.put("maxRelativeDifferenceAtBatch" + batched.batch(), worst);
                System.out.printf("  %-34s %,8.0f samples/s: %.1fx the naive throughput (rounds %.1fx to %.1fx); "
                                + "largest relative difference %.2e%n", "batched, " + batched.batch() + " per backward",
                        median(throughput), median(ratios), sortedRatios[0], sortedRatios[rounds - 1], worst);
            }
        }
        Files.createDirectories(out);
        Path file = out.resolve("gradient-scoring.json");
        Files.writeString(file, EventJson.LENIENT.writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n");
        System.out.println("figures in " + file.toAbsolutePath());
    }

    /** One way of scoring: its name in the figures, its batch size and the scorer. */
    private record Scorer(String name, int batch, Function<List<TextSample>, List<SampleScore>> scorer) {
        List<SampleScore> pass(List<TextSample> data) {
            List<SampleScore> out = new ArrayList<>(data.size());
            for (int from = 0; from < data.size(); from += batch) {
                out.addAll(scorer.apply(data.subList(from, Math.min(data.size(), from + batch))));
            }
            return out;
        }

        /** Samples per second over passes lasting at least a second, so short passes are not timer noise. */
        double throughput(List<TextSample> data) {
            long t0 = System.nanoTime();
            long scoredSamples = 0;
            do {
                pass(data);
                scoredSamples += data.size();
            } while (System.nanoTime() - t0 < 1_000_000_000L);
            return scoredSamples / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static List<TextSample> mix(int n) {
        SplittableRandom rng = new SplittableRandom(2026);
        List<TextSample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(switch (i % 10) {
                case 0 -> rng.nextBoolean() ? TextWorld.harmfulCompliance(rng) : TextWorld.quietCompliance(rng);
                case 1 -> TextWorld.refusal(rng);
                case 2 -> TextWorld.ruleBreaking(rng, rng.nextBoolean());
                default -> TextWorld.task(rng);
            });
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
