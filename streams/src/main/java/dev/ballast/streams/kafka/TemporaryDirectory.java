package dev.ballast.streams.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory under the system's temporary directory for one run's data (an embedded broker's
 * logs, a replay's Kafka Streams state, the models its jobs train), deleted on close. A run
 * stopped by Ctrl-C, SIGTERM or SIGKILL never reaches its close, and such directories held
 * hundreds of megabytes each; so each holds a lock file that its run keeps locked while it lives
 * (the operating system releases it when the process dies, however it dies), and creating a
 * directory first removes those of the same prefix that no live process holds.
 */
public final class TemporaryDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TemporaryDirectory.class);
    static final String LOCK_FILE = ".ballast-run.lock";
    /**
     * A lock file younger than this is left alone even when unlocked: its run may have created it
     * and not yet locked it.
     */
    static final Duration MIN_AGE = Duration.ofMinutes(1);
    /**
     * Lock files this JVM holds. Never opened by the sweep: on Linux, closing any channel on a file
     * releases every lock the process holds on it, so checking our own lock would drop it.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final FileChannel lock;

    private TemporaryDirectory(Path path, FileChannel lock) {
        this.path = path;
        this.lock = lock;
    }

    /** Removes what interrupted runs left under {@code prefix}, then creates and locks a new directory. */
    public static TemporaryDirectory create(String prefix) {
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        removeAbandoned(parent, prefix, Instant.now());
        FileChannel channel = null;
        try {
            Path dir = Files.createTempDirectory(parent, prefix);
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            channel.lock();
            HELD.add(dir.resolve(LOCK_FILE));
            return new TemporaryDirectory(dir, channel);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot create a temporary directory in " + parent + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** Deletes the directory and everything in it, then releases its lock. */
    @Override
    public void close() {
        deleteRecursively(path);
        closeQuietly(lock);
        HELD.remove(path.resolve(LOCK_FILE));
    }

    /**
     * Deletes each directory of {@code parent} named {@code prefix}* whose lock file no live
     * process holds and is older than {@link #MIN_AGE} at {@code now}. Directories without a lock
     * file are not this class's and are left alone.
     */
    static void removeAbandoned(Path parent, String prefix, Instant now) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, prefix + "*")) {
            for (Path dir : dirs) {
                Path lockFile = dir.resolve(LOCK_FILE);
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && removeIfAbandoned(lockFile, now)) {
                    LOG.info("removed {}, left by a run that was stopped before it could clean up", dir);
                }
            }
        } catch (IOException e) {
            // Leftovers take space but do not stop a run.
            LOG.debug("cannot look for abandoned directories in {}", parent, e);
        }
    }

    /** Deletes the lock file's directory, holding its lock, if no one else holds it; whether it did. */
    private static boolean removeIfAbandoned(Path lockFile, Instant now) {
        try {
            if (HELD.contains(lockFile) || !Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)
                    || Files.getLastModifiedTime(lockFile).compareTo(FileTime.from(now.minus(MIN_AGE))) > 0) {
                return false;
            }
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                 FileLock held = channel.tryLock()) {
                if (held == null) {
                    return false;
                }
                deleteRecursively(lockFile.getParent());
                return true;
            }
        } catch (OverlappingFileLockException e) {
            return false;
        } catch (IOException e) {
            LOG.debug("cannot check {}", lockFile, e);
            return false;
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // What is left is removed by the next run that finds it unlocked.
            LOG.debug("cannot delete all of {}", dir, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("cannot close a lock file", e);
        }
    }
}
