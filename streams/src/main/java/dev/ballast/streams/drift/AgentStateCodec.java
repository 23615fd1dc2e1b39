package dev.ballast.streams.drift;

import java.nio.ByteBuffer;

/**
 * Fixed-width binary form of {@link AgentState} for the state store. A version byte leads so a
 * later layout can still read this one.
 */
public final class AgentStateCodec {
    private static final byte VERSION = 1;
    /** Serialised size of one agent's state, in bytes. */
    public static final int SIZE = 1 + 9 * 8 + 1 + 3 * 8 + 2 * (8 + 8 + 8);

    private AgentStateCodec() {
    }

    public static byte[] encode(AgentState s) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(VERSION);
        b.putLong(s.events).putLong(s.baselineEvents).putLong(s.baselineViolations);
        b.putDouble(s.statistic).putLong(s.changeStart).putLong(s.changeStartMillis).putLong(s.eventsSinceChange)
                .putLong(s.violationsSinceChange).putLong(s.episodes);
        b.put((byte) (s.inEpisode ? 1 : 0));
        b.putDouble(s.recoveryStatistic).putDouble(s.fastRate).putDouble(s.slowRate);
        putRewards(b, s.violationRewards);
        putRewards(b, s.complianceRewards);
        return b.array();
    }

    public static AgentState decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte version = b.get();
        if (version != VERSION || bytes.length != SIZE) {
            throw new IllegalStateException("agent state layout " + version + " of " + bytes.length
                    + " bytes is not readable by this version (expects " + VERSION + ", " + SIZE + ")");
        }
        AgentState s = new AgentState();
        s.events = b.getLong();
        s.baselineEvents = b.getLong();
        s.baselineViolations = b.getLong();
        s.statistic = b.getDouble();
        s.changeStart = b.getLong();
        s.changeStartMillis = b.getLong();
        s.eventsSinceChange = b.getLong();
        s.violationsSinceChange = b.getLong();
        s.episodes = b.getLong();
        s.inEpisode = b.get() == 1;
        s.recoveryStatistic = b.getDouble();
        s.fastRate = b.getDouble();
        s.slowRate = b.getDouble();
        getRewards(b, s.violationRewards);
        getRewards(b, s.complianceRewards);
        return s;
    }

    private static void putRewards(ByteBuffer b, RewardStats r) {
        b.putLong(r.count).putDouble(r.mean).putDouble(r.m2);
    }

    private static void getRewards(ByteBuffer b, RewardStats r) {
        r.count = b.getLong();
        r.mean = b.getDouble();
        r.m2 = b.getDouble();
    }
}
