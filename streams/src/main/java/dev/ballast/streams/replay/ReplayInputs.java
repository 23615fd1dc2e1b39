package dev.ballast.streams.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSONL files of a replay input directory, any subset of: {@value #POLICIES},
 * {@value #INTERACTIONS}, {@value #CANDIDATES}, {@value #PREFERENCES}. Blank lines are skipped;
 * every other line is produced as one record, broken or not.
 */
public record ReplayInputs(Map<String, List<String>> files) {
    public static final String POLICIES = "policies.jsonl";
    public static final String INTERACTIONS = "interactions.jsonl";
    public static final String CANDIDATES = "candidates.jsonl";
    public static final String PREFERENCES = "preferences.jsonl";
    /** Produce order across files: policies first, so that versions are in force before the events they judge. */
    public static final List<String> ORDER = List.of(POLICIES, INTERACTIONS, CANDIDATES, PREFERENCES);

    public static ReplayInputs read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("input directory " + dir + " does not exist");
        }
        Map<String, List<String>> files = new LinkedHashMap<>();
        for (String name : ORDER) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    files.put(name, Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                            .filter(l -> !l.isBlank()).toList());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
                }
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no input files in " + dir + "; expected any of " + ORDER);
        }
        return new ReplayInputs(files);
    }

    public List<String> lines(String file) {
        return files.getOrDefault(file, List.of());
    }
}
