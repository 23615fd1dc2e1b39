package dev.ballast.streams.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSONL files of a replay input directory, any subset of: {@value #POLICIES},
 * {@value #INTERACTIONS}, {@value #CANDIDATES}, {@value #PREFERENCES}. Lines are read as bytes and
 * produced as they are, one record each, broken or not: a line that is not valid UTF-8 is
 * dead-lettered like any other bad line instead of stopping the read. Blank lines are skipped.
 */
public record ReplayInputs(Map<String, List<byte[]>> files) {
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
        Map<String, List<byte[]>> files = new LinkedHashMap<>();
        for (String name : ORDER) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    files.put(name, lines(Files.readAllBytes(file)));
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

    /** The records of {@code file}, byte for byte as its lines were. */
    public List<byte[]> records(String file) {
        return files.getOrDefault(file, List.of());
    }

    /** The lines of {@code file} as text; bytes that are not UTF-8 read as U+FFFD. */
    public List<String> lines(String file) {
        return records(file).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    /** Splits on LF (a CR before it is dropped) and skips lines of only whitespace. */
    static List<byte[]> lines(byte[] content) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                int end = i > start && content[i - 1] == '\r' ? i - 1 : i;
                if (!blank(content, start, end)) {
                    out.add(Arrays.copyOfRange(content, start, end));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }
}
