package dev.ballast.streams.kafka;

import dev.ballast.streams.config.BallastConfig;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * One round trip to the cluster before a command starts anything else, so that a wrong address
 * or credentials fail in seconds with a sentence naming the servers, instead of a minute of
 * silence and a client's stack trace from deep inside start-up.
 */
public final class ClusterCheck {
    /** Long enough for a slow but healthy cluster (a TLS handshake, a metadata round trip); short enough to wait for. */
    public static final Duration TIMEOUT = Duration.ofSeconds(12);

    private ClusterCheck() {
    }

    /**
     * Returns when a broker of {@code config}'s cluster answered with the cluster's metadata;
     * otherwise throws {@link ClusterException} saying what was tried and what to check.
     */
    public static void require(BallastConfig config) {
        String servers = config.bootstrapServers();
        Properties props = adminProps(config, TIMEOUT);
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (KafkaException e) {
            // Unresolvable host names and malformed addresses fail here, before any connection.
            throw new ClusterException("cannot use Kafka at " + servers + ": " + rootMessage(e)
                    + "; check bootstrap.servers (host:port, comma-separated)", e);
        }
        try (admin) {
            clusterId(admin, servers);
        }
    }

    /**
     * The id of the cluster {@code admin} talks to, asked within {@link #TIMEOUT}; otherwise
     * throws {@link ClusterException} saying what was tried and what to check.
     */
    public static String clusterId(Admin admin, String servers) {
        int ms = (int) TIMEOUT.toMillis();
        try {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).clusterId()
                    .get(ms + 2_000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(servers, e.getCause());
        } catch (TimeoutException e) {
            throw failure(servers, new org.apache.kafka.common.errors.TimeoutException("no answer"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while contacting Kafka at " + servers, e);
        }
    }

    /** The cluster's admin settings (security included), every request bounded by {@code timeout}. */
    static Properties adminProps(BallastConfig config, Duration timeout) {
        Properties props = MonitorService.adminProps(config);
        int ms = (int) timeout.toMillis();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        return props;
    }

    private static ClusterException failure(String servers, Throwable cause) {
        if (cause instanceof AuthenticationException) {
            return new ClusterException("Kafka at " + servers + " refused to authenticate this client: "
                    + rootMessage(cause) + "; check streams.security.protocol, streams.sasl.* and streams.ssl.*", cause);
        }
        if (cause instanceof AuthorizationException) {
            return new ClusterException("Kafka at " + servers + " denied this client: " + rootMessage(cause)
                    + "; check the ACLs of its principal", cause);
        }
        return new ClusterException("cannot reach Kafka at " + servers + " within " + TIMEOUT.toSeconds() + " s ("
                + rootMessage(cause) + "); check bootstrap.servers (or --bootstrap-servers, BALLAST_BOOTSTRAP_SERVERS), "
                + "that a broker listens there, and that streams.security.protocol matches its listener", cause);
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
