package dev.ballast.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;

/**
 * A directory of model versions: {@code <dir>/<version>/} each, and {@code CURRENT} naming the
 * version in force. Versions are written to a temporary directory and renamed into place, and
 * {@code CURRENT} is replaced atomically, so a reader (the scoring service, another process on the
 * same volume) sees either the old or the new version, never half of one.
 */
public final class ModelStore {
    private static final String CURRENT = "CURRENT";
    /** What to check when the store cannot be read or written: the directory, its rights, its disk. */
    static final String CHECK_DIR = "check model.dir (BALLAST_MODEL_DIR): a directory this user can write, on a disk "
            + "with room";
    private final Path dir;

    public ModelStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path versionDir(String version) {
        return dir.resolve(version);
    }

    public boolean has(String version) {
        return Files.isDirectory(versionDir(version));
    }

    /** The version in force, if one was published and is still present. */
    public Optional<String> current() {
        return named().filter(this::has);
    }

    /** The version {@code CURRENT} names, whether or not its directory is there. */
    public Optional<String> named() {
        Path file = dir.resolve(CURRENT);
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String version = Files.readString(file, StandardCharsets.UTF_8).trim();
            return version.isEmpty() ? Optional.empty() : Optional.of(version);
        } catch (IOException e) {
            throw new ModelSetupException("cannot read " + file + ": " + e.getMessage() + "; " + CHECK_DIR, e);
        }
    }

    /** Puts {@code version} in force. */
    public void publish(String version) {
        if (!has(version)) {
            throw new IllegalArgumentException("no model version " + version + " in " + dir);
        }
        try {
            Path tmp = dir.resolve(CURRENT + "." + UUID.randomUUID() + ".tmp");
            Files.writeString(tmp, version + "\n", StandardCharsets.UTF_8);
            move(tmp, dir.resolve(CURRENT), true);
        } catch (IOException e) {
            throw new ModelSetupException("cannot publish model version " + version + " in " + dir + ": "
                    + e.getMessage() + "; " + CHECK_DIR, e);
        }
    }

    /** Something that writes a model version's files into an empty directory. */
    @FunctionalInterface
    public interface Writer {
        void write(Path into) throws IOException;
    }

    /**
     * Writes {@code version} unless it exists. When two processes write the same version at once,
     * the first rename wins and the other copy is discarded (both are the same model).
     */
    public void write(String version, Writer writer) {
        if (has(version)) {
            return;
        }
        Path tmp = dir.resolve(".tmp-" + version + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            writer.write(tmp);
            try {
                move(tmp, versionDir(version), false);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                delete(tmp);
            }
        } catch (IOException e) {
            delete(tmp);
            throw new ModelSetupException("cannot write model version " + version + " to " + dir + ": "
                    + e.getMessage() + "; " + CHECK_DIR, e);
        }
    }

    private static void move(Path from, Path to, boolean replace) throws IOException {
        try {
            if (replace) {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            if (replace) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to);
            }
        }
    }

    private static void delete(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temporary directory is harmless and never read.
        }
    }
}
