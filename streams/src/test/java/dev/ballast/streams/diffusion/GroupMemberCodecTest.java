package dev.ballast.streams.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.EventJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupMemberCodecTest {
    /** A member as a long run leaves it: a full ring of sightings of a few peers, violations, a turn's exposures. */
    private static GroupMember busy() {
        GroupMember m = new GroupMember();
        List<String> peers = List.of("team-00497-1-m0", "team-00497-1-m3", "team-00497-1-m11", "pair-ü-7");
        for (int t = 1; t <= 300; t++) {
            m.observe(t * 60_000L + t % 7, t % 9 == 0, List.of(peers.get(t % 4), peers.get((t + 1) % 4)), 64);
            m.suspectedStreak = t % 5;
        }
        m.exposures = List.copyOf(m.recent.subList(10, 14));
        m.deviant = true;
        m.clearStreak = 2;
        return m;
    }

    @Test
    void everyFieldSurvivesAndTheLayoutIsTellableFromJson() {
        GroupMember m = busy();
        byte[] bytes = GroupMemberCodec.encode(m);
        assertTrue(GroupMemberCodec.isBinary(bytes));
        assertFalse(GroupMemberCodec.isBinary(EventJson.write(m)), "JSON stored by earlier versions starts with '{'");
        GroupMember back = GroupMemberCodec.decode(bytes);
        // JSON of both: every public field, compared at once.
        assertEquals(new String(EventJson.write(m)), new String(EventJson.write(back)));
        assertEquals(64, back.recent.size());
        assertEquals(GroupMember.VIOLATION_MEMORY, back.violations.size());
        assertEquals(new String(EventJson.write(new GroupMember())),
                new String(EventJson.write(GroupMemberCodec.decode(GroupMemberCodec.encode(new GroupMember())))));
    }

    /** Peer ids written once each, not once per sighting: the point of the layout. */
    @Test
    void aBusyMemberTakesAFractionOfItsJson() {
        GroupMember m = busy();
        int binary = GroupMemberCodec.encode(m).length;
        int json = EventJson.write(m).length;
        assertTrue(binary * 2 < json, binary + " bytes against " + json + " as JSON");
        assertEquals(58, GroupMemberCodec.encode(new GroupMember()).length, "an empty member: the fixed fields, no padding");
        assertEquals(58 + 8 * m.violations.size() + 12 * (m.recent.size() + m.exposures.size())
                + 4 * 4 + "team-00497-1-m0team-00497-1-m3team-00497-1-m11".length() + "pair-ü-7".getBytes(
                java.nio.charset.StandardCharsets.UTF_8).length, binary);
    }
}
