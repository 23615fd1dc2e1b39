package dev.ballast.streams.cli;

import dev.ballast.model.ModelStore;
import dev.ballast.model.realign.JobLauncher;
import dev.ballast.model.realign.RealignService;
import dev.ballast.model.service.ScoringService;
import dev.ballast.model.service.ScoringSettings;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.ClusterCheck;
import dev.ballast.streams.kafka.ClusterWatch;
import dev.ballast.streams.kafka.TopicAdmin;
import dev.ballast.streams.metrics.MetricsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The scoring service on its own against a cluster: candidates in, scored candidates out, exactly
 * once. Run one per GPU (or CPU) host, each with its own {@code model.transactional.id}; they
 * share the candidates' partitions through {@code model.group.id}. Stops cleanly on SIGTERM.
 */
@Command(name = "model-runner", mixinStandardHelpOptions = true,
        description = {"Score fine-tuning candidates (finetune.candidates -> finetune.scored: gradNorm, loss, "
                + "modelVersion) against a Kafka cluster until stopped.",
                "Trains and caches the built-in model on first use (about 15 seconds on 2 cores) unless model.class "
                        + "names your own; switches to a newly published model version while running."})
final class ModelRunnerCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws InterruptedException {
        BallastConfig config = configOptions.loadForCluster("model-runner", " (demo and replay run it in-process)");
        config.requireScoringModel();
        // Before the model is prepared (a first run trains it for a minute): a wrong address must fail at once.
        ClusterCheck.require(config);
        ScoringSettings settings = config.scoringSettings();
        String version = ScoringService.prepareModel(settings, line -> System.out.println("model: " + line));
        // The scored topic must exist with the candidates' partition count before anything is written to it.
        TopicAdmin.ensure(config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        int port = config.modelRunner().metricsPort();
        MetricsServer server = port < 0 ? null : MetricsServer.start(registry, port, "model.metrics.port");
        ScoringService service = new ScoringService(settings, registry);
        RealignService jobs = realignService(config, registry);
        ClusterWatch clusterWatch = ClusterWatch.start(config, "model-runner " + settings.groupId(), registry);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long t0 = System.nanoTime();
            clusterWatch.close();
            jobs.close();
            service.close();
            if (server != null) {
                server.close();
            }
            System.out.printf(Locale.ROOT, "model-runner %s stopped in %.1f s%n", settings.groupId(),
                    (System.nanoTime() - t0) / 1e9);
        }, "ballast-model-runner-shutdown"));
        service.start(Duration.ofMinutes(5));
        jobs.start();
        System.out.printf("model-runner %s scoring %s -> %s with model %s on %s%s%n", settings.groupId(),
                settings.candidatesTopic(), settings.scoredTopic(), version, settings.device().resolve(),
                server == null ? "" : ", metrics on :" + server.port() + "/metrics");
        System.out.printf("model-runner running re-alignment jobs from %s (%s launcher), status on %s%n",
                config.topics().jobs(), config.realign().launcher(), config.topics().status());
        service.awaitStop();
        if (service.failure() != null) {
            System.err.println("model-runner stopped: " + service.failure().getMessage());
            return 1;
        }
        return 0;
    }

    /** The job executor: consumer group {@code <model.group.id>-realign}, the configured launcher. */
    private static RealignService realignService(BallastConfig config, MeterRegistry registry) {
        BallastConfig.RealignConfig realign = config.realign();
        ScoringSettings scoring = config.scoringSettings();
        JobLauncher launcher = realign.launcher(new ModelStore(config.modelRunner().dir()), scoring.device().resolve(),
                Duration.ofHours(24));
        return new RealignService(new RealignService.Settings(config.bootstrapServers(),
                config.modelRunner().groupId() + "-realign", config.topics().jobs(), config.topics().status(),
                scoring.clientOverrides(), config.modelRunner().dir().toString(), realign.training()),
                launcher, System.out::println, Clock.systemUTC(), registry);
    }
}
