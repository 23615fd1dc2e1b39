package dev.ballast.streams.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryClusterTest {
    private final AtomicInteger drops = new AtomicInteger();

    @Test
    void aNewDirectoryIsClaimedAndKept(@TempDir Path dir) throws Exception {
        Path app = dir.resolve("ballast-monitor");
        assertFalse(StateDirectoryCluster.claim(app, "cluster-a", drops::incrementAndGet));
        assertEquals(0, drops.get());
        assertEquals("cluster-a", Files.readString(app.resolve(StateDirectoryCluster.FILE)).strip());
    }

    @Test
    void stateOfTheSameClusterIsKept(@TempDir Path dir) {
        StateDirectoryCluster.claim(dir, "cluster-a", drops::incrementAndGet);
        assertFalse(StateDirectoryCluster.claim(dir, "cluster-a", drops::incrementAndGet));
        assertEquals(0, drops.get());
    }

    @Test
    void stateOfAnotherClusterIsDroppedAndTheDirectoryClaimedAnew(@TempDir Path dir) throws Exception {
        StateDirectoryCluster.claim(dir, "cluster-a", drops::incrementAndGet);
        assertTrue(StateDirectoryCluster.claim(dir, "cluster-b", drops::incrementAndGet));
        assertEquals(1, drops.get());
        assertEquals("cluster-b", Files.readString(dir.resolve(StateDirectoryCluster.FILE)).strip());
        assertFalse(StateDirectoryCluster.claim(dir, "cluster-b", drops::incrementAndGet));
        assertEquals(1, drops.get());
        assertFalse(Files.exists(dir.resolve(StateDirectoryCluster.FILE + ".next")));
    }

    @Test
    void anEmptyFileNamesNoClusterSoTheStateIsKept(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(StateDirectoryCluster.FILE), "\n");
        assertFalse(StateDirectoryCluster.claim(dir, "cluster-a", drops::incrementAndGet));
        assertEquals(0, drops.get());
        assertEquals("cluster-a", Files.readString(dir.resolve(StateDirectoryCluster.FILE)).strip());
    }
}
