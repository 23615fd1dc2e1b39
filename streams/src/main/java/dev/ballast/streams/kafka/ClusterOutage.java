package dev.ballast.streams.kafka;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * What to say about a cluster's reachability, from one probe result at a time: a warning once it
 * has not answered for {@code grace}, a reminder every {@code reminder} while it stays so, and one
 * line when it answers again. Kafka's clients retry by themselves and Kafka Streams goes on from
 * its last commit, so an outage costs time, not data; but the clients' own connection warnings
 * are silenced (they also fire at every start-up), and without these lines a broker outage left
 * the log silent. No Kafka types: the probing is {@link ClusterWatch}'s.
 */
public final class ClusterOutage {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private final String service;
    private final String servers;
    private final long graceMillis;
    private final long reminderMillis;
    /** Written by the probing thread, read by the metrics scrape. */
    private volatile boolean reachable = true;
    private long downSince;
    private long lastSaidAt;
    private boolean said;

    /**
     * @param service  what is paused while the cluster is away, as the lines name it ("monitor ballast-monitor")
     * @param servers  the bootstrap servers, as the lines name them
     * @param grace    how long the cluster may not answer before it is said: a slow answer or a
     *                 leader moving is no outage
     * @param reminder how often to say again that it still does not answer
     */
    public ClusterOutage(String service, String servers, Duration grace, Duration reminder) {
        this.service = service;
        this.servers = servers;
        this.graceMillis = grace.toMillis();
        this.reminderMillis = reminder.toMillis();
    }

    /** Whether the latest probe found the cluster answering. */
    public boolean reachable() {
        return reachable;
    }

    /**
     * Takes one probe's result at {@code nowMillis} ({@code problem}: why it failed, or null when
     * the cluster answered) and returns the line to log, if any.
     */
    public Optional<Line> probed(long nowMillis, String problem) {
        if (problem == null) {
            boolean wasSaid = said;
            long since = downSince;
            reachable = true;
            said = false;
            if (wasSaid) {
                return Optional.of(new Line(false, String.format(Locale.ROOT,
                        "Kafka at %s answers again after %s without it; %s goes on from its last commit",
                        servers, seconds(nowMillis - since), service)));
            }
            return Optional.empty();
        }
        if (reachable) {
            reachable = false;
            downSince = nowMillis;
        }
        long down = nowMillis - downSince;
        if (!said && down >= graceMillis) {
            said = true;
            lastSaidAt = nowMillis;
            return Optional.of(new Line(true, String.format(Locale.ROOT,
                    "cannot reach Kafka at %s since %s UTC (%s; %s): %s is paused and loses nothing; "
                            + "it goes on from its last commit once a broker answers",
                    servers, CLOCK.format(Instant.ofEpochMilli(downSince)), seconds(down), problem, service)));
        }
        if (said && nowMillis - lastSaidAt >= reminderMillis) {
            lastSaidAt = nowMillis;
            return Optional.of(new Line(true, String.format(Locale.ROOT,
                    "still cannot reach Kafka at %s, for %s now (%s)", servers, seconds(down), problem)));
        }
        return Optional.empty();
    }

    private static String seconds(long millis) {
        return millis >= 120_000 ? (millis / 60_000) + " min" : (millis / 1_000) + " s";
    }

    /** A line to log; {@code warning} when the cluster does not answer, else the all-clear. */
    public record Line(boolean warning, String text) {
    }
}
