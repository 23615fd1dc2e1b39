package dev.ballast.streams.diffusion;

import dev.ballast.events.EventJson;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary form of {@link GroupMember} for the group store, read and written on every group signal.
 * As JSON a member with 64 observations and 12-character ids took 3,911 bytes, its peers' ids
 * written out once per observation, and after the event-order fix Jackson was most of the group
 * monitor's time. Here each distinct peer id is written once and observations refer to it by
 * index: 1,418 bytes for that member, and a replay of 415,000 grouped interactions took 70 s
 * instead of 84 s.
 *
 * <p>A leading version byte tells this layout from the JSON stored by earlier versions (which
 * starts with '{'); {@link #decode} reads both.
 */
public final class GroupMemberCodec {
    private static final byte VERSION = 1;
    /**
     * Version; events, last event time, violations since, mean gap; deviant; the two streaks; the
     * counts of peers, violations, recent sightings and exposures.
     */
    private static final int FIXED_BYTES = 1 + 4 * 8 + 1 + 2 * 4 + 4 * 4;
    /** A peer's index and the time it was seen. */
    private static final int OBSERVATION_BYTES = 4 + 8;

    private GroupMemberCodec() {
    }

    /** Whether {@code bytes} are in this layout rather than the JSON of earlier versions. */
    public static boolean isBinary(byte[] bytes) {
        return bytes.length > 0 && bytes[0] == VERSION;
    }

    /** A stored member in either layout: this one, or the JSON earlier versions wrote (rewritten on its next store). */
    public static GroupMember decode(byte[] bytes) {
        return isBinary(bytes) ? decodeBinary(bytes) : EventJson.readStored(bytes, GroupMember.class, "group member");
    }

    public static byte[] encode(GroupMember m) {
        Map<String, Integer> index = new HashMap<>();
        List<byte[]> peers = new ArrayList<>();
        int size = FIXED_BYTES + 8 * m.violations.size() + OBSERVATION_BYTES * (m.recent.size() + m.exposures.size());
        for (List<GroupMember.Observation> list : List.of(m.recent, m.exposures)) {
            for (GroupMember.Observation o : list) {
                if (index.putIfAbsent(o.peer(), peers.size()) == null) {
                    byte[] id = BinaryFields.utf8(o.peer());
                    peers.add(id);
                    size += BinaryFields.sizeOf(id);
                }
            }
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(VERSION);
        b.putLong(m.events).putLong(m.lastEventMillis).putLong(m.violationsSince).putDouble(m.meanGapMillis);
        b.put((byte) (m.deviant ? 1 : 0)).putInt(m.suspectedStreak).putInt(m.clearStreak);
        b.putInt(peers.size());
        peers.forEach(id -> BinaryFields.put(b, id));
        b.putInt(m.violations.size());
        m.violations.forEach(b::putLong);
        putObservations(b, m.recent, index);
        putObservations(b, m.exposures, index);
        return b.array();
    }

    private static GroupMember decodeBinary(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.get();
        GroupMember m = new GroupMember();
        m.events = b.getLong();
        m.lastEventMillis = b.getLong();
        m.violationsSince = b.getLong();
        m.meanGapMillis = b.getDouble();
        m.deviant = b.get() == 1;
        m.suspectedStreak = b.getInt();
        m.clearStreak = b.getInt();
        String[] peers = new String[b.getInt()];
        for (int i = 0; i < peers.length; i++) {
            peers[i] = BinaryFields.string(b);
        }
        int violations = b.getInt();
        for (int i = 0; i < violations; i++) {
            m.violations.add(b.getLong());
        }
        m.recent = observations(b, peers);
        m.exposures = observations(b, peers);
        return m;
    }

    private static void putObservations(ByteBuffer b, List<GroupMember.Observation> list, Map<String, Integer> index) {
        b.putInt(list.size());
        for (GroupMember.Observation o : list) {
            b.putInt(index.get(o.peer())).putLong(o.at());
        }
    }

    private static List<GroupMember.Observation> observations(ByteBuffer b, String[] peers) {
        int n = b.getInt();
        List<GroupMember.Observation> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new GroupMember.Observation(peers[b.getInt()], b.getLong()));
        }
        return out;
    }
}
