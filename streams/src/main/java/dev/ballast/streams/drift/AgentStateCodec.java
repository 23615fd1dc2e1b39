package dev.ballast.streams.drift;

import java.nio.ByteBuffer;

/**
 * Fixed-width binary form of {@link AgentState} for the state store. A version byte leads so a
 * later layout can still read this one: layout 1 (before the paid-violation statistic) decodes
 * with that statistic at its start, as if the agent had reported no reward yet; layouts 1 and 2
 * (before the recent event ids) decode with none remembered; layouts 1 to 3 (before the
 * moderate-rise statistic) decode with that statistic at its start; layouts 1 to 4 (before the
 * recent compliant rewards) decode with none remembered, the compliant-reward statistics kept.
 * Layout 6 has layout 5's size and fields; its episode byte also says whether a DRIFT episode may
 * still be escalated (2) or not (1). An episode stored by layouts 1 to 5 is not escalated: whether
 * it was alerted as DRIFT or TIPPING was not kept.
 */
public final class AgentStateCodec {
    private static final byte VERSION = 6;
    static final int SIZE_V1 = 1 + 9 * 8 + 1 + 3 * 8 + 2 * (8 + 8 + 8);
    static final int SIZE_V2 = SIZE_V1 + 7 * 8;
    static final int SIZE_V3 = SIZE_V2 + 2 + RecentEventIds.CAPACITY * 8;
    static final int SIZE_V4 = SIZE_V3 + 4 * 8;
    /** Serialised size of one agent's state, in bytes. */
    public static final int SIZE = SIZE_V4 + 3 + CompliantRewards.RECENT * 8;
    private static final byte IN_EPISODE = 1;
    private static final byte IN_EPISODE_MAY_ESCALATE = 2;

    private AgentStateCodec() {
    }

    public static byte[] encode(AgentState s) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(VERSION);
        b.putLong(s.events).putLong(s.baselineEvents).putLong(s.baselineViolations);
        b.putDouble(s.statistic).putLong(s.changeStart).putLong(s.changeStartMillis).putLong(s.eventsSinceChange)
                .putLong(s.violationsSinceChange).putLong(s.episodes);
        b.put(!s.inEpisode ? 0 : s.mayEscalate ? IN_EPISODE_MAY_ESCALATE : IN_EPISODE);
        b.putDouble(s.recoveryStatistic).putDouble(s.fastRate).putDouble(s.slowRate);
        putRewards(b, s.violationRewards);
        putRewards(b, s.complianceRewards.stats);
        b.putLong(s.paidBaselineEvents).putLong(s.paidBaselineViolations).putDouble(s.paidStatistic)
                .putLong(s.paidStart).putLong(s.paidStartMillis).putLong(s.paidViolationsSinceStart)
                .putLong(s.violationsSincePaidStart);
        RecentEventIds ids = s.recentEventIds;
        b.put((byte) ids.size).put((byte) ids.next);
        for (long h : ids.hashes) {
            b.putLong(h);
        }
        b.putDouble(s.moderateStatistic).putLong(s.moderateStart).putLong(s.moderateStartMillis)
                .putLong(s.violationsSinceModerateStart);
        CompliantRewards c = s.complianceRewards;
        b.put((byte) c.filled).put((byte) c.next).put((byte) (c.rebuilding ? 1 : 0));
        for (double r : c.recent) {
            b.putDouble(r);
        }
        return b.array();
    }

    public static AgentState decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte version = b.get();
        boolean v1 = version == 1 && bytes.length == SIZE_V1;
        boolean v2 = version == 2 && bytes.length == SIZE_V2;
        boolean v3 = version == 3 && bytes.length == SIZE_V3;
        boolean v4 = version == 4 && bytes.length == SIZE_V4;
        boolean v5 = version == 5 && bytes.length == SIZE;
        if (!v1 && !v2 && !v3 && !v4 && !v5 && (version != VERSION || bytes.length != SIZE)) {
            throw new IllegalStateException("agent state layout " + version + " of " + bytes.length
                    + " bytes is not readable by this version (reads 1 of " + SIZE_V1 + " bytes, 2 of " + SIZE_V2
                    + ", 3 of " + SIZE_V3 + ", 4 of " + SIZE_V4 + ", 5 and " + VERSION + " of " + SIZE + ")");
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
        byte episode = b.get();
        s.inEpisode = episode == IN_EPISODE || episode == IN_EPISODE_MAY_ESCALATE;
        s.mayEscalate = episode == IN_EPISODE_MAY_ESCALATE;
        s.recoveryStatistic = b.getDouble();
        s.fastRate = b.getDouble();
        s.slowRate = b.getDouble();
        getRewards(b, s.violationRewards);
        getRewards(b, s.complianceRewards.stats);
        if (!v1) {
            s.paidBaselineEvents = b.getLong();
            s.paidBaselineViolations = b.getLong();
            s.paidStatistic = b.getDouble();
            s.paidStart = b.getLong();
            s.paidStartMillis = b.getLong();
            s.paidViolationsSinceStart = b.getLong();
            s.violationsSincePaidStart = b.getLong();
        }
        if (!v1 && !v2) {
            RecentEventIds ids = s.recentEventIds;
            ids.size = b.get();
            ids.next = b.get();
            for (int i = 0; i < RecentEventIds.CAPACITY; i++) {
                ids.hashes[i] = b.getLong();
            }
        }
        if (!v1 && !v2 && !v3) {
            s.moderateStatistic = b.getDouble();
            s.moderateStart = b.getLong();
            s.moderateStartMillis = b.getLong();
            s.violationsSinceModerateStart = b.getLong();
        }
        CompliantRewards c = s.complianceRewards;
        if (!v1 && !v2 && !v3 && !v4) {
            c.filled = b.get();
            c.next = b.get();
            c.rebuilding = b.get() == 1;
            for (int i = 0; i < CompliantRewards.RECENT; i++) {
                c.recent[i] = b.getDouble();
            }
        } else {
            // The statistics were kept without the rewards they came from: go on adding to them.
            c.rebuilding = false;
        }
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
