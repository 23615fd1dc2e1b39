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
            m.observe(t * 60_000L + t % 7, t % 9 == 0, List.of(peers.get(t % 4), peers.get((t + 1) % 4)), 64, 1_048_576);
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

    /**
     * A member's record is one of the group changelog's: with the sighting memory at its maximum
     * and peers whose ids are 1,024 three-byte characters, every sighting kept would take about
     * 30 MB. The oldest give way to keep the record within half the bound; a member of ordinary
     * peers keeps its whole memory.
     */
    @Test
    void aMembersRecordStaysWithinItsBoundWhateverItsPeersIds() {
        long bound = 1_048_576;
        GroupMember hostile = new GroupMember();
        for (int t = 0; t < 10_000; t++) {
            String peer = String.format("%05d", t) + "\u4e2d".repeat(1_019);
            hostile.observe(t * 60_000L, false, List.of(peer), 10_000, bound);
        }
        int bytes = GroupMemberCodec.encode(hostile).length;
        assertTrue(bytes <= bound / 2, bytes + " bytes");
        assertTrue(hostile.recent.size() > 100, "the newest kept: " + hostile.recent.size());
        assertEquals(String.format("%05d", 9_999), hostile.recent.get(hostile.recent.size() - 1).peer().substring(0, 5));

        GroupMember ordinary = new GroupMember();
        for (int t = 0; t < 20_000; t++) {
            ordinary.observe(t * 60_000L, false, List.of("agent-" + t % 50), 10_000, bound);
        }
        assertEquals(10_000, ordinary.recent.size(), "ordinary ids: the whole memory");
    }
}
