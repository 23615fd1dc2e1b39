package dev.ballast.streams.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.EventJson;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every field of a group signal survives its binary layout, and JSON of earlier versions is read. */
class GroupSignalCodecTest {
    private static final GroupSignal FULL = new GroupSignal("team-7", "agent-\u00e9-3", "e-42",
            Instant.parse("2026-01-05T10:00:00.123456789Z"), true, false, Instant.parse("2026-01-05T09:58:00Z"),
            List.of("agent-1", "agent-2", ""), "policy@3");
    private static final GroupSignal SPARSE = new GroupSignal("g", "a", "e", Instant.parse("2026-01-05T10:00:00.000000007Z"),
            false, null, null, null, null);

    @Test
    void everyFieldSurvivesTheBinaryLayout() {
        for (GroupSignal s : List.of(FULL, SPARSE,
                new GroupSignal("g", "a", "e", Instant.ofEpochSecond(-5, 7), false, true, Instant.EPOCH, List.of(), "v"),
                // The intake lets a peer list carry nulls through; the layout must too (ApplicationFuzzTest found it).
                new GroupSignal("g", "a", "e", Instant.EPOCH, false, true, null, Arrays.asList("b", null), "v"))) {
            byte[] bytes = GroupSignalCodec.encode(s);
            assertEquals(GroupSignalCodec.LAYOUT, bytes[0]);
            assertEquals(s, GroupSignalCodec.decode(bytes));
        }
    }

    @Test
    void jsonWrittenByEarlierVersionsIsReadAndTheLayoutIsSmaller() {
        byte[] json = EventJson.write(FULL);
        assertEquals(FULL, GroupSignalCodec.decode(json));
        assertEquals(SPARSE, GroupSignalCodec.decode(EventJson.write(SPARSE)));
        assertTrue(GroupSignalCodec.encode(FULL).length < json.length,
                GroupSignalCodec.encode(FULL).length + " bytes against " + json.length + " as JSON");
    }
}
