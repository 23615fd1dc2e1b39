package dev.ballast.streams.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayInputsTest {
    private static final String LINES = "{\"a\":1}\r\n\n{\"b\":2}\n";

    @TempDir
    Path dir;

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void aGzippedInputReadsAsItsPlainFileWould() throws IOException {
        Files.writeString(dir.resolve(ReplayInputs.POLICIES), LINES);
        Files.write(dir.resolve(ReplayInputs.INTERACTIONS + ".gz"), gzip(LINES));
        ReplayInputs inputs = ReplayInputs.read(dir);
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), inputs.lines(ReplayInputs.INTERACTIONS));
        assertEquals(inputs.lines(ReplayInputs.POLICIES), inputs.lines(ReplayInputs.INTERACTIONS));
        assertEquals(List.of(), inputs.ignored());
    }

    @Test
    void anInputNameHeldByADirectoryIsRefusedNotSkipped() throws IOException {
        Files.writeString(dir.resolve(ReplayInputs.POLICIES), LINES);
        Files.createDirectory(dir.resolve(ReplayInputs.INTERACTIONS + ".gz"));
        String m = assertThrows(IllegalArgumentException.class, () -> ReplayInputs.read(dir)).getMessage();
        assertEquals(dir.resolve(ReplayInputs.INTERACTIONS + ".gz") + " is a directory; " + ReplayInputs.INTERACTIONS
                + " must be a file of JSON lines, plain or .gz", m);
    }

    @Test
    void linesAreSplitByteForByteWhereverTheReadBufferEnds() throws IOException {
        String longLine = "{\"x\":\"" + "y".repeat(200_000) + "\"}";
        byte[] invalidUtf8 = {'{', (byte) 0xC3, (byte) 0x28, '}'};
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.write((longLine + "\r\n  \r\n").getBytes(StandardCharsets.UTF_8));
        content.write(invalidUtf8);
        content.write("\n{}".getBytes(StandardCharsets.UTF_8));
        List<byte[]> lines = new ArrayList<>();
        List<Long> indexes = new ArrayList<>();
        List<Long> lengths = new ArrayList<>();
        ReplayInputs.split(new java.io.ByteArrayInputStream(content.toByteArray()), (i, bytes, length) -> {
            indexes.add(i);
            lines.add(bytes);
            lengths.add(length);
        });
        assertEquals(3, lines.size());
        assertEquals(List.of((long) longLine.length(), 4L, 2L), lengths, "without the CR before a newline");
        assertEquals(List.of(0L, 1L, 2L), indexes, "blank lines take no index");
        assertEquals(longLine, new String(lines.get(0), StandardCharsets.UTF_8));
        assertArrayEquals(invalidUtf8, lines.get(1));
        assertEquals("{}", new String(lines.get(2), StandardCharsets.UTF_8), "a last line without a newline");
    }

    @Test
    void aLineLongerThanAnyRecordLimitIsHandedOnByItsLengthWithoutBeingHeldWhole() throws IOException {
        long longest = ReplayInputs.LONGEST_HELD_LINE;
        long overlong = longest + 3 * BYTES_PER_READ + 7;
        byte[] tail = "\r\n{}\n".getBytes(StandardCharsets.UTF_8);
        List<Integer> held = new ArrayList<>();
        List<Long> lengths = new ArrayList<>();
        List<Byte> firstBytes = new ArrayList<>();
        ReplayInputs.split(new RepeatedByte((byte) 'x', overlong, tail), (i, bytes, length) -> {
            held.add(bytes.length);
            lengths.add(length);
            firstBytes.add(bytes[0]);
        });
        assertEquals(List.of((int) longest, 2), held, "at most LONGEST_HELD_LINE bytes of a line in memory");
        assertEquals(List.of(overlong, 2L), lengths, "its whole length, without the CR; the next line whole");
        assertEquals(List.of((byte) 'x', (byte) '{'), firstBytes);
    }

    private static final int BYTES_PER_READ = 1 << 16;

    /** {@code count} copies of one byte, then {@code tail}: a line longer than any array, made as it is read. */
    private static final class RepeatedByte extends java.io.InputStream {
        private final byte value;
        private final byte[] tail;
        private long left;
        private int tailRead;

        RepeatedByte(byte value, long count, byte[] tail) {
            this.value = value;
            this.left = count;
            this.tail = tail;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left > 0) {
                int n = (int) Math.min(Math.min(len, BYTES_PER_READ), left);
                java.util.Arrays.fill(b, off, off + n, value);
                left -= n;
                return n;
            }
            if (tailRead == tail.length) {
                return -1;
            }
            int n = Math.min(len, tail.length - tailRead);
            System.arraycopy(tail, tailRead, b, off, n);
            tailRead += n;
            return n;
        }
    }

    @Test
    void dataFilesThatAreNoInputAreNamedAndTheGroundTruthIsNot() throws IOException {
        Files.writeString(dir.resolve(ReplayInputs.POLICIES), LINES);
        Files.writeString(dir.resolve("interaction.jsonl"), LINES);
        Files.write(dir.resolve("candidates.json.gz"), gzip(LINES));
        Files.writeString(dir.resolve("truth.json"), "{}");
        Files.writeString(dir.resolve("README.md"), "notes");
        ReplayInputs inputs = ReplayInputs.read(dir);
        assertEquals(List.of("candidates.json.gz", "interaction.jsonl"), inputs.ignored());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        inputs.reportIgnored("replay", new PrintStream(err, true, StandardCharsets.UTF_8));
        String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("replay: ignoring candidates.json.gz: not an input file"), said);
        assertEquals(2, said.lines().count(), said);
    }

    @Test
    void whatCannotBeReadIsRefusedBeforeAnythingRunsWithWhatToDo() throws IOException {
        Files.writeString(dir.resolve("interaction.jsonl"), LINES);
        String none = assertThrows(IllegalArgumentException.class, () -> ReplayInputs.read(dir)).getMessage();
        assertTrue(none.contains("no input files") && none.contains("found interaction.jsonl"), none);

        Path file = dir.resolve(ReplayInputs.INTERACTIONS);
        Files.writeString(file, LINES);
        String aFile = assertThrows(IllegalArgumentException.class, () -> ReplayInputs.read(file)).getMessage();
        assertTrue(aFile.contains("is a file; give the directory that holds it"), aFile);

        Files.write(dir.resolve(ReplayInputs.INTERACTIONS + ".gz"), gzip(LINES));
        String both = assertThrows(IllegalArgumentException.class, () -> ReplayInputs.read(dir)).getMessage();
        assertTrue(both.startsWith("both ") && both.contains("keep one"), both);

        Files.delete(dir.resolve(ReplayInputs.INTERACTIONS + ".gz"));
        Files.write(file, LINES.getBytes(StandardCharsets.UTF_16));
        String utf16 = assertThrows(IllegalArgumentException.class, () -> ReplayInputs.read(dir)).getMessage();
        assertTrue(utf16.contains("is UTF-16") && utf16.contains("iconv"), utf16);

        Files.writeString(file, "[{\"a\":1}, {\"b\":2}]\n");
        String array = assertThrows(IllegalArgumentException.class, () -> ReplayInputs.read(dir)).getMessage();
        assertTrue(array.contains("holds one JSON array") && array.contains("jq -c"), array);
        Files.writeString(file, "[\n  {\"a\": 1},\n  {\"b\": 2}\n]\n");
        assertThrows(IllegalArgumentException.class, () -> ReplayInputs.read(dir), "pretty-printed");
        Files.writeString(file, "[\n{\"a\":1}\n[1]\n");
        assertEquals(3, ReplayInputs.read(dir).records(ReplayInputs.INTERACTIONS).size(), "bad lines are data");
        Files.write(file, new byte[]{(byte) 0xFF, (byte) 0xFE, 'x', 'y', '\n', '{', '}', '\n'});
        assertEquals(2, ReplayInputs.read(dir).records(ReplayInputs.INTERACTIONS).size(),
                "a first line of broken bytes is no UTF-16 mark");

        Files.delete(file);
        Files.writeString(dir.resolve(ReplayInputs.INTERACTIONS + ".gz"), LINES);
        String corrupt = assertThrows(IllegalArgumentException.class, () -> ReplayInputs.read(dir)).getMessage();
        assertTrue(corrupt.contains("as gzip"), corrupt);
    }

    @Test
    void aReplayStreamsItsInputAndWhatIsReadWholeMustFitHalfTheHeap() throws IOException {
        Files.writeString(dir.resolve(ReplayInputs.INTERACTIONS), LINES.repeat(100));
        ReplayInputs inputs = ReplayInputs.read(dir);
        assertEquals(200, inputs.files().get(ReplayInputs.INTERACTIONS).records(), "counted when checked");
        long[] streamed = {0};
        inputs.forEach(ReplayInputs.INTERACTIONS, (i, bytes, length) -> streamed[0]++);
        assertEquals(200, streamed[0]);
        inputs.forEach(ReplayInputs.CANDIDATES, (i, bytes, length) -> streamed[0]++);
        assertEquals(200, streamed[0], "an absent file has no records");
        assertEquals(200, inputs.records(ReplayInputs.INTERACTIONS, 1_400).size());
        String tooLarge = assertThrows(IllegalArgumentException.class,
                () -> inputs.records(ReplayInputs.INTERACTIONS, 1_000)).getMessage();
        assertTrue(tooLarge.contains("its first 143 records exceed 0 MB, half of this JVM's heap")
                && tooLarge.contains("BALLAST_JAVA_OPTS") && tooLarge.contains("read whole"), tooLarge);
    }
}
