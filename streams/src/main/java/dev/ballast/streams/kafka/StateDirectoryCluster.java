package dev.ballast.streams.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka cluster whose changelogs an application's local state was built from, written in the
 * application's state directory, so that state from another cluster is dropped before it is read.
 *
 * <p>Kafka Streams trusts a state directory's checkpointed changelog offsets. Against another
 * cluster (a demo's state, a rebuilt or migrated cluster, staging after production) they mean
 * nothing: where that cluster's changelog is shorter, every task is taken for corrupted, wiped and
 * logged with an error and stack traces (measured: {@code OtherClusterStateTest} without this
 * class); where it is longer, the restore would start at the old offset, on top of the other
 * cluster's agents' states, with no error at all. A directory without the file (new, or written
 * before Ballast kept it) is kept and claimed for the cluster at hand.
 */
public final class StateDirectoryCluster {
    /** The file, in {@code <state.dir>/<application.id>}, that holds the cluster id. */
    public static final String FILE = "ballast-cluster-id";
    private static final Logger LOG = LoggerFactory.getLogger(StateDirectoryCluster.class);

    private StateDirectoryCluster() {
    }

    /**
     * Claims {@code applicationStateDir} for {@code clusterId}: runs {@code dropState} first if the
     * directory was built from another cluster, then records {@code clusterId}.
     *
     * @return whether the state was dropped
     */
    public static boolean claim(Path applicationStateDir, String clusterId, Runnable dropState) {
        Path file = applicationStateDir.resolve(FILE);
        String builtFrom = builtFrom(file);
        if (clusterId.equals(builtFrom)) {
            return false;
        }
        boolean drop = builtFrom != null;
        if (drop) {
            LOG.warn("state directory {} was built from another Kafka cluster ({}), not this one ({}): its local "
                    + "state is dropped and rebuilt from this cluster's changelogs", applicationStateDir, builtFrom,
                    clusterId);
            dropState.run();
        }
        write(file, clusterId);
        return drop;
    }

    /** The cluster id in {@code file}, or null if there is none to read. */
    private static String builtFrom(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            String id = Files.readString(file, StandardCharsets.UTF_8).strip();
            return id.isEmpty() ? null : id;
        } catch (IOException e) {
            // Which cluster built it is then unknown, as for a directory from before the file: kept.
            LOG.warn("cannot read {} ({}); the local state is kept and the file written anew", file, e.getMessage());
            return null;
        }
    }

    /** Replaces {@code file} at once, so that a crash leaves the old id or the new, never half of one. */
    private static void write(Path file, String clusterId) {
        try {
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling(FILE + ".next");
            Files.writeString(next, clusterId + "\n", StandardCharsets.UTF_8);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + "; check that state.dir is writable", e);
        }
    }
}
