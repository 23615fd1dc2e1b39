package dev.ballast.streams.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporaryDirectoryTest {
    private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");

    @Test
    void isDeletedOnClose() throws Exception {
        Path path;
        try (TemporaryDirectory dir = TemporaryDirectory.create("ballast-test-")) {
            path = dir.path();
            Files.writeString(path.resolve("data"), "x");
            assertTrue(Files.isRegularFile(path.resolve(TemporaryDirectory.LOCK_FILE)));
        }
        assertFalse(Files.exists(path));
    }

    @Test
    void removesWhatAStoppedRunLeftAndNothingElse(@TempDir Path parent) throws Exception {
        Path abandoned = runDirectory(parent, "ballast-x-1", NOW.minus(Duration.ofHours(2)));
        Files.createDirectories(abandoned.resolve("node-0/log"));
        Files.writeString(abandoned.resolve("node-0/log/segment"), "data");
        Path young = runDirectory(parent, "ballast-x-2", NOW.minusSeconds(5));
        Path foreign = Files.createDirectory(parent.resolve("ballast-x-3"));
        Path otherPrefix = runDirectory(parent, "ballast-y-1", NOW.minus(Duration.ofHours(2)));

        TemporaryDirectory.removeAbandoned(parent, "ballast-x-", NOW);

        assertFalse(Files.exists(abandoned), "unlocked and old: its run is gone");
        assertTrue(Files.exists(young), "its run may not have locked it yet");
        assertTrue(Files.exists(foreign), "no lock file: not ours");
        assertTrue(Files.exists(otherPrefix));
    }

    @Test
    void leavesDirectoriesThatARunningProcessHolds(@TempDir Path parent) throws Exception {
        Path held = runDirectory(parent, "ballast-x-1", NOW.minus(Duration.ofHours(2)));
        Path source = parent.resolve("HoldLock.java");
        Files.writeString(source, """
                import java.nio.channels.FileChannel;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;
                public class HoldLock {
                    public static void main(String[] args) throws Exception {
                        FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
                        channel.lock();
                        System.out.println("locked");
                        Thread.sleep(60_000);
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, source.toString(), held.resolve(TemporaryDirectory.LOCK_FILE).toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("locked", out.readLine());
            TemporaryDirectory.removeAbandoned(parent, "ballast-x-", NOW);
            assertTrue(Files.exists(held), "another process holds it");
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        TemporaryDirectory.removeAbandoned(parent, "ballast-x-", NOW);
        assertFalse(Files.exists(held), "its process was killed, so the lock is free");
    }

    @Test
    void leavesDirectoriesThisProcessHolds() throws Exception {
        try (TemporaryDirectory dir = TemporaryDirectory.create("ballast-test-")) {
            Path lock = dir.path().resolve(TemporaryDirectory.LOCK_FILE);
            Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
            TemporaryDirectory.removeAbandoned(dir.path().getParent(), "ballast-test-", Instant.now());
            assertTrue(Files.exists(dir.path()));
        }
    }

    private static Path runDirectory(Path parent, String name, Instant lockedAt) throws Exception {
        Path dir = Files.createDirectory(parent.resolve(name));
        Path lock = Files.createFile(dir.resolve(TemporaryDirectory.LOCK_FILE));
        Files.setLastModifiedTime(lock, FileTime.from(lockedAt));
        return dir;
    }
}
