package dev.ballast.streams.replay;

import dev.ballast.events.JobStatus;
import dev.ballast.events.RealignJob;
import dev.ballast.model.ModelStore;
import dev.ballast.model.realign.JobLauncher;
import dev.ballast.model.realign.RealignService;
import dev.ballast.streams.config.BallastConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The replay's model-runner job executor: once the pipeline has processed every input, it runs
 * the jobs the trigger created, through the real {@link RealignService} on the replay's topics.
 * Jobs train from the version in force in the configured model store, copied into their own store
 * ({@code <out>/models} for {@code replay} and {@code demo}), so that a replay never changes the
 * model a running deployment scores with.
 */
final class RealignRun {
    private static final Duration PER_JOB = Duration.ofMinutes(15);

    private RealignRun() {
    }

    /** Runs {@code jobs}; returns each one's final status, in the order they finished. */
    static List<JobStatus> run(BallastConfig run, List<RealignJob> jobs, String baseVersion, Path jobStore,
                               String runId, MeterRegistry registry, PrintStream log) throws InterruptedException {
        if (jobs.isEmpty()) {
            return List.of();
        }
        ModelStore store = seed(new ModelStore(run.modelRunner().dir()), baseVersion, jobStore);
        BallastConfig.RealignConfig realign = run.realign();
        JobLauncher launcher = realign.launcher(store, run.scoringSettings().device().resolve(), PER_JOB);
        RealignService.Settings settings = new RealignService.Settings(run.bootstrapServers(),
                "ballast-realign-replay-" + runId, run.topics().jobs(), run.topics().status(), run.clientOverrides(),
                store.dir().toString(), realign.training());
        log.printf("replay: running %d re-alignment job(s) on %s, models in %s%n", jobs.size(), launcher.device(),
                store.dir());
        try (RealignService service = new RealignService(settings, launcher, line -> log.println(line),
                Clock.systemUTC(), registry)) {
            service.start();
            long deadline = System.nanoTime() + PER_JOB.toNanos() * jobs.size();
            while (service.finished().size() < jobs.size()) {
                if (service.failure() != null) {
                    throw new IllegalStateException("job executor failed: " + service.failure().getMessage(),
                            service.failure());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("re-alignment jobs did not finish within "
                            + PER_JOB.multipliedBy(jobs.size()).toMinutes() + " minutes");
                }
                Thread.sleep(200);
            }
            return service.finished();
        }
    }

    /** A store in {@code into} with {@code base} copied from {@code from} and in force. */
    private static ModelStore seed(ModelStore from, String base, Path into) {
        ModelStore store = new ModelStore(into);
        try {
            Files.createDirectories(into);
            store.write(base, dir -> {
                try (var files = Files.list(from.versionDir(base))) {
                    for (Path f : files.toList()) {
                        Files.copy(f, dir.resolve(f.getFileName()));
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the job model store " + into + ": " + e.getMessage(), e);
        }
        store.publish(base);
        return store;
    }
}
