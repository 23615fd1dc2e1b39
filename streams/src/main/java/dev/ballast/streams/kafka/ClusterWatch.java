package dev.ballast.streams.kafka;

import dev.ballast.streams.config.BallastConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cluster for its brokers every {@link #INTERVAL} while a service runs, logs an outage
 * and the recovery once each ({@link ClusterOutage}), and exports the answer as the gauge
 * {@code ballast_cluster_reachable} (1 or 0) for the {@code BallastClusterUnreachable} alert.
 */
public final class ClusterWatch implements AutoCloseable {
    /** Time between probes, and how long one waits for an answer. */
    static final Duration INTERVAL = Duration.ofSeconds(5);
    /** An outage is said once the cluster has not answered this long: three probes. */
    static final Duration GRACE = Duration.ofSeconds(15);
    /** And said again this often while it lasts. */
    static final Duration REMINDER = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);
    private final Admin admin;
    private final Duration interval;
    private final ClusterOutage outage;
    private final ScheduledExecutorService probes;
    private final Gauge gauge;
    private final MeterRegistry registry;

    private ClusterWatch(Admin admin, Duration interval, ClusterOutage outage, MeterRegistry registry) {
        this.admin = admin;
        this.interval = interval;
        this.outage = outage;
        this.registry = registry;
        this.gauge = Gauge.builder("ballast.cluster.reachable", outage, o -> o.reachable() ? 1 : 0)
                .description("1 while the Kafka cluster answers this process's probes (every 5 s), 0 while it does not")
                .register(registry);
        this.probes = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ballast-cluster-watch");
            t.setDaemon(true);
            return t;
        });
        probes.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts watching {@code config}'s cluster for {@code service} (as the log lines name it:
     * "monitor ballast-monitor"), with the admin settings (security included) every client of
     * the service uses.
     */
    public static ClusterWatch start(BallastConfig config, String service, MeterRegistry registry) {
        return start(config, service, registry, INTERVAL, GRACE);
    }

    /**
     * As {@link #start(BallastConfig, String, MeterRegistry)}, probing every {@code interval} and
     * saying an outage after {@code grace}: for tests, which cannot wait out the defaults.
     */
    public static ClusterWatch start(BallastConfig config, String service, MeterRegistry registry,
                                     Duration interval, Duration grace) {
        return new ClusterWatch(Admin.create(ClusterCheck.adminProps(config, interval)), interval,
                new ClusterOutage(service, config.bootstrapServers(), grace, REMINDER), registry);
    }

    private void probe() {
        String problem = null;
        int ms = (int) interval.toMillis();
        try {
            if (admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).nodes()
                    .get(ms + 2_000L, TimeUnit.MILLISECONDS).isEmpty()) {
                problem = "no broker in its answer";
            }
        } catch (TimeoutException e) {
            problem = noAnswer();
        } catch (ExecutionException e) {
            problem = e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                    ? noAnswer() : ClusterCheck.rootMessage(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            // A probe that fails in an unexpected way must not end the watch (a scheduled task that
            // throws is never run again).
            problem = ClusterCheck.rootMessage(e);
        }
        outage.probed(System.currentTimeMillis(), problem).ifPresent(line -> {
            if (line.warning()) {
                LOG.warn(line.text());
            } else {
                LOG.info(line.text());
            }
        });
    }

    private String noAnswer() {
        long ms = interval.toMillis();
        return "no answer within " + (ms % 1_000 == 0 ? ms / 1_000 + " s" : ms + " ms");
    }

    @Override
    public void close() {
        probes.shutdownNow();
        try {
            probes.awaitTermination(interval.toMillis() + 3_000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(2));
        registry.remove(gauge);
    }
}
