package dev.ballast.evaluation;

import dev.ballast.events.EventJson;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.config.ConfigException;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.eval.DetectionScore;
import dev.ballast.streams.eval.DetectionScorer;
import dev.ballast.streams.eval.DiffusionScore;
import dev.ballast.streams.eval.DiffusionScorer;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.sim.CandidateSpec;
import dev.ballast.streams.sim.PreferenceSpec;
import dev.ballast.streams.sim.Range;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import dev.ballast.streams.sim.TippingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Detection quality per seed over many simulator seeds, with the offline reference run
 * ({@link OfflineRun}: the monitor's pure logic in one thread, which the pipeline matches alert for
 * alert), about 3 s a seed of 250 agents where {@code evaluate} takes 20 s through the pipeline.
 * README "Detection quality" quotes its figures as "offline reference run"; this reproduces them.
 *
 * <p>Each seed's scenario is the one {@code ./ballast simulate --seed N} writes with the same
 * options, so a seed can be looked at more closely with {@code simulate} and {@code evaluate}. Per
 * seed it says whether the seed meets every figure of the detection goal ({@link Goal}), and which
 * it misses; at the end how many seeds met all of them. Writes {@code detection-sweep.json}.
 *
 * <p>Settings are system properties: {@code sweep.seeds} (required: {@code 5501-5530}, or ranges
 * and seeds separated by commas), {@code sweep.agents} (250; 0 for group members only),
 * {@code sweep.rounds} (400), the tipping process as {@code simulate} takes it
 * ({@code sweep.tipping.onset.rise}, {@code sweep.tipping.growth},
 * {@code sweep.tipping.reinforcement}, {@code sweep.reward.ratio}, {@code sweep.base.reward}, each
 * {@code MIN[:MAX]}), groups ({@code sweep.contagious.groups}, {@code sweep.control.groups},
 * {@code sweep.control.sees.deviants}, and their shape as {@code simulate} takes it:
 * {@code sweep.group.size}, {@code sweep.observed.peers}, {@code sweep.copy.probability},
 * {@code sweep.control.deviants}), and any configuration key as
 * {@code sweep.set.<key>=<value>}, e.g. {@code -Dsweep.set.tipping.paid.shift=0.25}; {@code sweep.out}
 * names the directory for the figures.
 *
 * <p>Run: {@code mvn -B -q -Pbench -pl tests exec:java@detection-sweep -Dsweep.seeds=5501-5530}
 * (after {@code mvn -B -q install -DskipTests}; figures in {@code tests/target/sweep}).
 */
public final class DetectionSweep {
    private static final String SET = "sweep.set.";

    private DetectionSweep() {
    }

    /**
     * The figures the detection goal states for one scenario: tipping caught and typed TIPPING in
     * at least {@code minRecall} of agents with a median delay of at most {@code maxTippingMedian}
     * events, drift caught in {@code minRecall} with a median of at most {@code maxDriftMedian}, at
     * most {@code maxFalseAlarmsPer100k}; for groups, at least {@code minBeforeHalf} of contagious
     * groups alerted before half of the group turned, patient zero named in {@code minPatientZero},
     * and at most {@code maxControlShareSeeing} of control groups alarmed where control agents see
     * their deviants (none where they cannot).
     */
    record Goal(double minRecall, double maxTippingMedian, double maxDriftMedian, double maxFalseAlarmsPer100k,
                double minBeforeHalf, double minPatientZero, double maxControlShareSeeing) {
        static final Goal DETECTION = new Goal(0.95, 12, 15, 1.0, 0.9, 0.8, 0.05);

        List<String> misses(DetectionScore score, DiffusionScore diffusion, boolean controlSeesDeviants) {
            List<String> misses = new ArrayList<>();
            // A tipping agent counts only when its alert says TIPPING (the ATP signature); a drift agent when caught.
            kind(misses, score.kinds().get("TIPPING"), "tipping typed recall", true, "tipping median", maxTippingMedian);
            kind(misses, score.kinds().get("DRIFT"), "drift recall", false, "drift median", maxDriftMedian);
            if (score.stableEvents() > 0 && score.falseAlarmsPer100k() > maxFalseAlarmsPer100k) {
                misses.add(score.falseAlarms() + " false alarms");
            }
            if (diffusion.contagiousGroups() > 0) {
                if (diffusion.detectedBeforeHalf() < minBeforeHalf * diffusion.contagiousGroups()) {
                    misses.add(diffusion.detectedBeforeHalf() + " groups before half");
                }
                if (diffusion.patientZeroCorrect() < minPatientZero * diffusion.contagiousGroups()) {
                    misses.add("patient zero in " + diffusion.patientZeroCorrect());
                }
            }
            double allowed = controlSeesDeviants ? Math.floor(maxControlShareSeeing * diffusion.controlGroups()) : 0;
            if (diffusion.controlAlerts() > allowed) {
                misses.add(diffusion.controlAlerts() + " control groups alarmed");
            }
            return misses;
        }

        private void kind(List<String> misses, DetectionScore.KindScore k, String recallName, boolean typed,
                          String medianName, double maxMedian) {
            if (k == null || k.agents() == 0) {
                return;
            }
            double recall = typed ? k.typedRecall() : k.recall();
            if (recall < minRecall) {
                misses.add(recallName + " " + recall);
            }
            if (!(k.medianDelay() <= maxMedian)) {
                misses.add(medianName + " " + k.medianDelay());
            }
        }
    }

    public static void main(String[] args) throws IOException {
        Properties p = System.getProperties();
        List<Long> seeds;
        ScenarioSpec base;
        BallastConfig config;
        try {
            seeds = seeds(p.getProperty("sweep.seeds"));
            base = scenario(p);
            config = config(p);
        } catch (ConfigException e) {
            System.err.println("error: in the sweep.set.* properties, " + e.getMessage());
            System.exit(2);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        // The build sets the default (the module's target directory); -Dsweep.out chooses another.
        Path out = Path.of(p.getProperty("sweep.out", p.getProperty("sweep.out.default", "target/sweep")));
        boolean seeing = base.groups().controlSeesDeviants();
        boolean grouped = base.groups().contagious() + base.groups().control() > 0;
        List<Map<String, Object>> rows = new ArrayList<>();
        int meeting = 0;
        List<Double> tippingMedians = new ArrayList<>();
        List<Double> driftMedians = new ArrayList<>();
        long falseAlarms = 0;
        DiffusionScore diffusionTotal = DiffusionScore.NONE;
        for (long seed : seeds) {
            Scenario s = new Simulator(base.withSeed(seed)).generate();
            OfflineRun.Result r = OfflineRun.run(s.policyLines(), s.interactionLines(),
                    new AgentMonitor(config.monitorSettings()), config.diffusion());
            DetectionScore score = new DetectionScorer(s.truth(), r.positions()).score(r.alerts());
            DiffusionScore diffusion = grouped ? new DiffusionScorer(s.truth()).score(r.alerts()) : DiffusionScore.NONE;
            List<String> misses = Goal.DETECTION.misses(score, diffusion, seeing);
            if (misses.isEmpty()) {
                meeting++;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("seed", seed);
            score.kinds().forEach((kind, k) -> row.put(kind, Map.of("agents", k.agents(), "recall", k.recall(),
                    "typedRecall", k.typedRecall(), "medianDelay", k.medianDelay(), "p90Delay", k.p90Delay())));
            row.put("falseAlarms", score.falseAlarms());
            row.put("stableEvents", score.stableEvents());
            if (grouped) {
                row.put("diffusion", diffusion);
            }
            row.put("misses", misses);
            rows.add(row);
            median(score, "TIPPING", tippingMedians);
            median(score, "DRIFT", driftMedians);
            falseAlarms += score.falseAlarms();
            diffusionTotal = diffusionTotal.plus(diffusion);
            System.out.printf("%d  tipping %s  drift %s  false alarms %d%s  %s%n", seed, figure(score, "TIPPING"),
                    figure(score, "DRIFT"), score.falseAlarms(),
                    !grouped ? "" : String.format("  groups: before half %d/%d, patient zero %d, control alarmed %d/%d",
                            diffusion.detectedBeforeHalf(), diffusion.contagiousGroups(),
                            diffusion.patientZeroCorrect(), diffusion.controlAlerts(), diffusion.controlGroups()),
                    misses.isEmpty() ? "meets every figure" : "misses " + String.join(", ", misses));
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("seeds", seeds.size());
        summary.put("seedsMeetingEveryFigure", meeting);
        summary.put("meanTippingMedian", mean(tippingMedians));
        summary.put("meanDriftMedian", mean(driftMedians));
        summary.put("falseAlarms", falseAlarms);
        if (grouped) {
            summary.put("diffusion", diffusionTotal);
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("measuredAt", Instant.now().toString());
        figures.put("scenario", Map.of("agents", base.agents(), "rounds", base.rounds(), "tipping", base.tipping(),
                "groups", base.groups()));
        figures.put("configOverrides", overrides(p));
        figures.put("goal", Goal.DETECTION);
        figures.put("summary", summary);
        figures.put("perSeed", rows);
        Files.createDirectories(out);
        Path file = out.resolve("detection-sweep.json");
        Files.writeString(file, EventJson.LENIENT.writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n");
        System.out.printf("%d of %d seeds meet every figure; mean tipping median %.2f, mean drift median %.2f, "
                + "%d false alarms%nwritten to %s%n", meeting, seeds.size(), mean(tippingMedians),
                mean(driftMedians), falseAlarms, file.toAbsolutePath());
    }

    /** {@code 5501-5530}, {@code 101,202,303}, or both mixed. */
    static List<Long> seeds(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("sweep.seeds is required, e.g. -Dsweep.seeds=5501-5530 "
                    + "(ranges and seeds separated by commas)");
        }
        List<Long> seeds = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String[] ends = part.trim().split("-", -1);
            try {
                long from = Long.parseLong(ends[0].trim());
                long to = ends.length == 2 ? Long.parseLong(ends[1].trim()) : from;
                if (ends.length > 2 || to < from) {
                    throw new NumberFormatException();
                }
                for (long seed = from; seed <= to; seed++) {
                    seeds.add(seed);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("sweep.seeds: '" + part.trim()
                        + "' is neither a seed nor a range FROM-TO with FROM <= TO");
            }
        }
        return seeds;
    }

    /** The scenario {@code simulate} writes with the same options (candidates and preferences left out: they do not change the interactions). */
    static ScenarioSpec scenario(Properties p) {
        TippingSpec d = TippingSpec.DEFAULT;
        TippingSpec tipping = new TippingSpec(range(p, "sweep.tipping.onset.rise", d.onsetRise()),
                range(p, "sweep.tipping.growth", d.growth()), range(p, "sweep.tipping.reinforcement", d.reinforcement()),
                range(p, "sweep.reward.ratio", d.rewardRatio()), range(p, "sweep.base.reward", d.baseReward()));
        ScenarioSpec.GroupSpec none = ScenarioSpec.GroupSpec.NONE;
        ScenarioSpec.GroupSpec groups = new ScenarioSpec.GroupSpec(integer(p, "sweep.contagious.groups", 0),
                integer(p, "sweep.control.groups", 0), integer(p, "sweep.group.size", none.size()),
                integer(p, "sweep.observed.peers", none.observedPeers()),
                decimal(p, "sweep.copy.probability", none.copyProbability()),
                integer(p, "sweep.control.deviants", none.controlDeviants()),
                Boolean.parseBoolean(p.getProperty("sweep.control.sees.deviants", "false")));
        // The shares of agent kinds, malformed lines and start as simulate's defaults have them.
        ScenarioSpec defaults = ScenarioSpec.defaults(1, 400, 1);
        return new ScenarioSpec(integer(p, "sweep.agents", 250), integer(p, "sweep.rounds", 400), 1,
                defaults.tippingShare(), defaults.driftShare(), defaults.policySensitiveShare(),
                defaults.malformedLines(), defaults.start(), groups, CandidateSpec.NONE, PreferenceSpec.NONE, tipping);
    }

    /** The defaults with every {@code sweep.set.<key>} applied, checked as the application checks its configuration. */
    static BallastConfig config(Properties p) {
        return BallastConfig.parse(overrides(p), Map.of());
    }

    private static Properties overrides(Properties p) {
        Properties config = new Properties();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith(SET)) {
                config.setProperty(name.substring(SET.length()), p.getProperty(name));
            }
        }
        return config;
    }

    private static Range range(Properties p, String name, Range fallback) {
        String text = p.getProperty(name);
        try {
            return text == null ? fallback : Range.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " " + e.getMessage());
        }
    }

    private static int integer(Properties p, String name, int fallback) {
        return number(p, name, fallback, Integer::parseInt, "a whole number");
    }

    private static double decimal(Properties p, String name, double fallback) {
        return number(p, name, fallback, Double::parseDouble, "a number");
    }

    private static <T> T number(Properties p, String name, T fallback, java.util.function.Function<String, T> parse,
                                String kind) {
        String text = p.getProperty(name);
        try {
            return text == null ? fallback : parse.apply(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes " + kind + ", not '" + text + "'");
        }
    }

    /** Adds the seed's median delay for {@code kind}, if it has agents of that kind. */
    private static void median(DetectionScore score, String kind, List<Double> medians) {
        DetectionScore.KindScore k = score.kinds().get(kind);
        if (k != null && k.agents() > 0) {
            medians.add(k.medianDelay());
        }
    }

    /** NaN where no seed had agents of the kind (a groups-only sweep has no drift agents). */
    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String figure(DetectionScore score, String kind) {
        DetectionScore.KindScore k = score.kinds().get(kind);
        return k == null || k.agents() == 0 ? "-" : String.format("%.0f (p90 %.0f), recall %.2f, typed %.2f",
                k.medianDelay(), k.p90Delay(), k.recall(), k.typedRecall());
    }
}
