package dev.ballast.streams.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --out} directory, made before any work starts so that a bad path costs no run. */
final class OutputDirectory {
    private OutputDirectory() {
    }

    /** Creates {@code out} (and its parents) if needed; a path that cannot hold the outputs is a usage error. */
    static Path prepare(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file; give a directory (it is created if missing)");
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new IllegalArgumentException("--out " + out + " cannot be created: " + e);
        }
        if (!Files.isWritable(out)) {
            throw new IllegalArgumentException("--out " + out + " is not writable");
        }
        return out;
    }
}
