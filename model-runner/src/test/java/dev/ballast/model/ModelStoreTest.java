package dev.ballast.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

    @Test
    void aVersionWrittenAndPublishedIsTheCurrentOne(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.resolve("models"));
        store.write("v1", into -> Files.writeString(into.resolve("weights"), "w"));
        assertEquals(Optional.empty(), store.current());
        store.publish("v1");
        assertEquals(Optional.of("v1"), store.current());
        assertEquals("w", Files.readString(store.versionDir("v1").resolve("weights")));
    }

    @Test
    void aStoreThatCannotBeWrittenSaysWhichSettingToCheck(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("models"), "a file where the store should be");
        ModelSetupException e = assertThrows(ModelSetupException.class,
                () -> new ModelStore(file).write("v1", into -> Files.writeString(into.resolve("weights"), "w")));
        assertTrue(e.getMessage().startsWith("cannot write model version v1 to " + file), e.getMessage());
        assertTrue(e.getMessage().endsWith(ModelStore.CHECK_DIR), e.getMessage());
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "nothing left beside it");
        }
    }
}
