package dev.ballast.streams.replay;

import dev.ballast.streams.config.BallastConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The JSONL files of a replay input directory, any subset of: {@value #POLICIES},
 * {@value #INTERACTIONS}, {@value #CANDIDATES}, {@value #PREFERENCES}, each plain or gzipped
 * ({@code interactions.jsonl.gz}: logs are often kept compressed). Lines are read as bytes and
 * produced as they are, one record each, broken or not: a line that is not valid UTF-8 is
 * dead-lettered like any other bad line instead of stopping the read. Blank lines are skipped.
 *
 * <p>A replay streams its files ({@link #forEach}): it holds no input in memory, so a log larger
 * than the heap replays (what it keeps grows with agents and alerts). {@link #read} reads each
 * file once first, to refuse one that cannot be replayed (UTF-16, one JSON array, broken gzip)
 * before anything runs, and to count its records.
 *
 * @param files   each input file found, by its plain name
 * @param ignored data files in the directory that are none of these (a misspelt name would
 *                otherwise leave a run that read nothing of it looking like a clean one)
 */
public record ReplayInputs(Map<String, InputFile> files, List<String> ignored) {
    public static final String POLICIES = "policies.jsonl";
    public static final String INTERACTIONS = "interactions.jsonl";
    public static final String CANDIDATES = "candidates.jsonl";
    public static final String PREFERENCES = "preferences.jsonl";
    /** Produce order across files: policies first, so that versions are in force before the events they judge. */
    public static final List<String> ORDER = List.of(POLICIES, INTERACTIONS, CANDIDATES, PREFERENCES);
    /** Suffix of a gzipped input file. */
    static final String GZIP = ".gz";
    /** Files an input directory may hold besides the inputs: a simulated scenario's ground truth. */
    private static final Set<String> NOT_INPUTS = Set.of("truth.json");
    private static final int BUFFER_BYTES = 1 << 16;

    /**
     * One input file.
     *
     * @param path    where it is
     * @param gzipped whether it is read through gzip
     * @param records its records (non-blank lines) when it was checked
     */
    public record InputFile(Path path, boolean gzipped, long records) {
    }

    /**
     * The most of one line held in memory: a byte more than the largest {@code max.record.bytes}, so
     * that every line some setting accepts is held whole, while a longer one (a log whose newlines
     * were lost; a small gzipped file that inflates to gigabytes on one line) is dead-lettered as too
     * large by its length, never read whole into a heap it could not fit.
     */
    static final int LONGEST_HELD_LINE = BallastConfig.MAX_RECORD_BYTES_CEILING + 1;

    /** Receives a file's records in line order. */
    @FunctionalInterface
    public interface RecordVisitor {
        /**
         * Record {@code index} (0-based, blank lines not counted), {@code length} bytes long;
         * {@code bytes} is its line byte for byte, or, for a line longer than
         * {@link #LONGEST_HELD_LINE} (over any {@code max.record.bytes}), only its first bytes.
         */
        void visit(long index, byte[] bytes, long length);
    }

    /**
     * Finds and checks the inputs of {@code dir}; a file that cannot be replayed is refused here,
     * saying what to do, before anything runs.
     */
    public static ReplayInputs read(Path dir) {
        if (Files.isRegularFile(dir)) {
            throw new IllegalArgumentException("--input " + dir + " is a file; give the directory that holds it"
                    + " (any of " + String.join(", ", ORDER) + ", plain or " + GZIP + ")");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("input directory " + dir + " does not exist");
        }
        Map<String, InputFile> files = new LinkedHashMap<>();
        for (String name : ORDER) {
            Path plain = dir.resolve(name);
            Path gzipped = dir.resolve(name + GZIP);
            for (Path input : List.of(plain, gzipped)) {
                // Else skipped as absent: a replay of the other files would run without it.
                if (Files.isDirectory(input)) {
                    throw new IllegalArgumentException(input + " is a directory; " + name + " must be a file of JSON "
                            + "lines, plain or " + GZIP);
                }
            }
            if (Files.isRegularFile(plain) && Files.isRegularFile(gzipped)) {
                throw new IllegalArgumentException("both " + plain + " and " + gzipped
                        + " exist; keep one, so that no record is replayed twice or left out");
            }
            if (Files.isRegularFile(plain)) {
                files.put(name, check(plain, false));
            } else if (Files.isRegularFile(gzipped)) {
                files.put(name, check(gzipped, true));
            }
        }
        List<String> ignored = ignored(dir);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no input files in " + dir + "; expected any of " + ORDER
                    + ", plain or " + GZIP + (ignored.isEmpty() ? "" : " (found " + String.join(", ", ignored) + ")"));
        }
        return new ReplayInputs(files, ignored);
    }

    /** Reads {@code file} through once: its first and last records tell the shapes refused, and it is counted. */
    private static InputFile check(Path file, boolean gzipped) {
        byte[][] firstLast = new byte[2][];
        long[] count = {0};
        stream(file, gzipped, (i, bytes, length) -> {
            if (i == 0) {
                firstLast[0] = bytes;
            }
            firstLast[1] = bytes;
            count[0]++;
        });
        if (count[0] > 0 && isUtf16(firstLast[0])) {
            // Every line would be dead-lettered as invalid UTF-8: say so once, before anything runs.
            throw new IllegalArgumentException(file + " is UTF-16 (it starts with a UTF-16 byte order mark, as "
                    + "Windows PowerShell writes files); records must be UTF-8 JSON lines: convert it, e.g. "
                    + "iconv -f UTF-16 -t UTF-8");
        }
        if (count[0] > 0 && isJsonArray(firstLast[0], firstLast[1], count[0])) {
            throw new IllegalArgumentException(file + " holds one JSON array; records must be JSON Lines, one object "
                    + "per line: convert it, e.g. jq -c '.[]'");
        }
        return new InputFile(file, gzipped, count[0]);
    }

    /** Streams the records of {@code file} to {@code visitor}; a file that cannot be read is refused, named. */
    private static void stream(Path file, boolean gzipped, RecordVisitor visitor) {
        try (InputStream in = gzipped
                ? new GZIPInputStream(Files.newInputStream(file), BUFFER_BYTES) : Files.newInputStream(file)) {
            split(in, visitor);
        } catch (IOException e) {
            // Refused like a bad option: the user must mend or replace the file.
            throw new IllegalArgumentException("cannot read " + file + (gzipped ? " as gzip (truncated, or not gzip)" : "")
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether a file's first line starts as UTF-16 text does: a byte order mark, then two
     * characters whose high (little-endian: second) bytes are zero, as they are for JSON's ASCII
     * punctuation. The mark alone is not enough: a JSON Lines file whose first line is broken bytes
     * (0xFF 0xFE) must still be read, its bad line dead-lettered like any other.
     */
    private static boolean isUtf16(byte[] first) {
        if (first.length < 6) {
            return false;
        }
        boolean little = first[0] == (byte) 0xFF && first[1] == (byte) 0xFE && first[3] == 0 && first[5] == 0;
        boolean big = first[0] == (byte) 0xFE && first[1] == (byte) 0xFF && first[2] == 0 && first[4] == 0;
        return little || big;
    }

    /**
     * Whether the file is one JSON array rather than JSON Lines: a single line that is an array,
     * or the array pretty-printed (a first line of only {@code [} and a last of only {@code ]}).
     * Its one record, or every line, would be dead-lettered. A JSON Lines file with a bad line or
     * two that happen to look like array brackets is read as usual.
     */
    private static boolean isJsonArray(byte[] firstRecord, byte[] lastRecord, long records) {
        String first = new String(firstRecord, StandardCharsets.UTF_8).strip();
        String last = new String(lastRecord, StandardCharsets.UTF_8).strip();
        return records == 1 ? first.startsWith("[") && first.endsWith("]") : first.equals("[") && last.equals("]");
    }

    /** Regular files of {@code dir} that look like data (JSON, JSONL or gzip) but are no input, sorted. */
    private static List<String> ignored(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile)
                    .map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson") || n.endsWith(GZIP))
                    .filter(n -> !NOT_INPUTS.contains(n) && !ORDER.contains(n.replaceFirst("\\.gz$", "")))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Names, one line each on {@code err}, the data files of the directory that {@code command} did not read. */
    public void reportIgnored(String command, PrintStream err) {
        for (String name : ignored) {
            err.println(command + ": ignoring " + name + ": not an input file (expected any of "
                    + String.join(", ", ORDER) + ", plain or " + GZIP + ")");
        }
    }

    /** These inputs without the files not named in {@code kept}: a run that needs only some of them. */
    public ReplayInputs only(Collection<String> kept) {
        Map<String, InputFile> left = new LinkedHashMap<>(files);
        left.keySet().retainAll(kept);
        return new ReplayInputs(left, ignored);
    }

    /** Whether the directory holds {@code file}, plain or gzipped. */
    public boolean has(String file) {
        return files.containsKey(file);
    }

    /**
     * Streams the records of {@code file} (none if absent), byte for byte as its lines were, from
     * the disk: nothing is kept.
     */
    public void forEach(String file, RecordVisitor visitor) {
        InputFile input = files.get(file);
        if (input != null) {
            stream(input.path(), input.gzipped(), visitor);
        }
    }

    /**
     * All records of {@code file}, in memory, for what is read whole (the policy versions, tests),
     * at most half the heap of them: the other half is left to the work done with them, and beyond
     * it the command stops at once saying so, where it ran out of memory with a stack trace.
     */
    public List<byte[]> records(String file) {
        return records(file, Runtime.getRuntime().maxMemory() / 2);
    }

    List<byte[]> records(String file, long maxBytes) {
        List<byte[]> out = new ArrayList<>();
        long[] held = {0};
        forEach(file, (i, bytes, length) -> {
            held[0] += bytes.length;
            if (held[0] > maxBytes) {
                throw new IllegalArgumentException(String.format("%s: its first %,d records exceed %,d MB, half of "
                        + "this JVM's heap, and this file is read whole: give it more heap (BALLAST_JAVA_OPTS=-Xmx...)",
                        files.get(file).path(), i + 1, maxBytes >> 20));
            }
            out.add(bytes);
        });
        return out;
    }

    /** The lines of {@code file} as text, all in memory (see {@link #records}); bytes that are not UTF-8 read as U+FFFD. */
    public List<String> lines(String file) {
        return records(file).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    /**
     * Splits on LF (a CR before it is dropped) and hands each line that is not only whitespace to
     * {@code visitor}, numbered from 0.
     */
    static void split(InputStream in, RecordVisitor visitor) throws IOException {
        Line line = new Line();
        byte[] buffer = new byte[BUFFER_BYTES];
        long[] index = {0};
        for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    line.append(buffer, start, i - start);
                    line.emit(visitor, index);
                    start = i + 1;
                }
            }
            line.append(buffer, start, n - start);
        }
        line.emit(visitor, index);
    }

    /** The line being read: its length, its last byte, and at most {@link #LONGEST_HELD_LINE} of its bytes. */
    private static final class Line {
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();
        private long length;
        private byte last;

        void append(byte[] b, int from, int count) {
            if (count == 0) {
                return;
            }
            held.write(b, from, (int) Math.min(count, LONGEST_HELD_LINE - held.size()));
            length += count;
            last = b[from + count - 1];
        }

        void emit(RecordVisitor visitor, long[] index) {
            long size = length > 0 && last == '\r' ? length - 1 : length;
            byte[] bytes = held.toByteArray();
            int end = (int) Math.min(size, bytes.length);
            held.reset();
            length = 0;
            boolean whole = end == size;
            if (!whole || !blank(bytes, end)) {
                visitor.visit(index[0]++, end == bytes.length ? bytes : Arrays.copyOf(bytes, end), size);
            }
        }
    }

    private static boolean blank(byte[] b, int to) {
        for (int i = 0; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }
}
