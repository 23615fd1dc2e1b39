package dev.ballast.bench;

import dev.ballast.events.EventJson;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.drift.AgentState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import moa.classifiers.core.driftdetection.ADWINChangeDetector;
import moa.classifiers.core.driftdetection.ChangeDetector;
import moa.classifiers.core.driftdetection.CusumDM;
import moa.classifiers.core.driftdetection.DDM;
import moa.classifiers.core.driftdetection.PageHinkleyDM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Per-update cost of Ballast's per-agent detector (the whole {@link AgentMonitor#observe}: CUSUM,
 * baseline learning, reward statistics) against MOA's ADWIN, Page-Hinkley, CUSUM and DDM, on the
 * same 0/1 input: 400-event streams (an agent's life in the simulator) at a 3% violation rate
 * that jumps to 60% half-way. Writes {@code detector-update-cost.json} with nanoseconds per update
 * and each MOA detector's cost as a multiple of Ballast's. Part of the {@code bench} profile only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DetectorUpdateBenchmark {
    static final int EVENTS = 400;
    private boolean[] input;
    private AgentMonitor ballast;
    private ChangeDetector adwin;
    private ChangeDetector pageHinkley;
    private ChangeDetector cusum;
    private ChangeDetector ddm;

    @Setup
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(7);
        input = new boolean[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            input[i] = rng.nextDouble() < (i < EVENTS / 2 ? 0.03 : 0.6);
        }
        ballast = new AgentMonitor(BallastConfig.defaults().monitorSettings());
        adwin = prepared(new ADWINChangeDetector());
        pageHinkley = prepared(new PageHinkleyDM());
        cusum = prepared(new CusumDM());
        ddm = prepared(new DDM());
    }

    private static ChangeDetector prepared(ChangeDetector d) {
        ((moa.options.OptionHandler) d).prepareForUse();
        return d;
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void ballast(Blackhole bh) {
        AgentState state = new AgentState();
        for (int i = 0; i < EVENTS; i++) {
            bh.consume(ballast.observe(state, input[i], null, i));
        }
    }

    private void moa(ChangeDetector d, Blackhole bh) {
        d.resetLearning();
        for (int i = 0; i < EVENTS; i++) {
            d.input(input[i] ? 1 : 0);
            bh.consume(d.getChange());
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void moaAdwin(Blackhole bh) {
        moa(adwin, bh);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void moaPageHinkley(Blackhole bh) {
        moa(pageHinkley, bh);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void moaCusum(Blackhole bh) {
        moa(cusum, bh);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void moaDdm(Blackhole bh) {
        moa(ddm, bh);
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(System.getProperty("bench.out", "target/bench"));
        var results = new Runner(new OptionsBuilder()
                .include(DetectorUpdateBenchmark.class.getName())
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .forks(1)
                .build()).run();
        Map<String, Double> nanos = new LinkedHashMap<>();
        Map<String, Double> errors = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            nanos.put(name, r.getPrimaryResult().getScore());
            errors.put(name, r.getPrimaryResult().getScoreError());
        }
        double ballastNanos = nanos.get("ballast");
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("measuredAt", Instant.now().toString());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("nanosPerUpdate", nanos);
        figures.put("nanosPerUpdateError99", errors);
        Map<String, Double> ratios = new LinkedHashMap<>();
        nanos.forEach((name, ns) -> {
            if (!name.equals("ballast")) {
                ratios.put(name, Math.round(ns / ballastNanos * 1000) / 1000.0);
            }
        });
        figures.put("moaCostOverBallast", ratios);
        Files.createDirectories(out);
        Path file = out.resolve("detector-update-cost.json");
        Files.writeString(file, EventJson.LENIENT.writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n");
        System.out.println(Files.readString(file));
    }
}
