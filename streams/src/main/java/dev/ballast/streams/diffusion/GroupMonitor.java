package dev.ballast.streams.diffusion;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Detects deviance spreading agent to agent inside a group (ATP's imitative strategy diffusion).
 * No Kafka types: the stream processor supplies a {@link GroupStore}.
 *
 * <p>An agent's turn is the change-point estimate of its own detector; the agent counts as deviant
 * for its group once its own monitor has reported it suspected for a few consecutive events (a
 * pair of chance slips raises suspicion for an event or two; real deviance keeps it up). A new
 * deviant T is attributed to a source S (an edge S to T) when T observed S, after S had turned,
 * within T's exposure window before T's first violation of its turn, and S broke a rule in about
 * its last two decisions before that sighting (a peer that saw only compliance saw nothing to
 * copy); the latest such observation wins. Because a source may itself be recognised late, every
 * deviant without a source is re-examined when an earlier-turning deviant appears, using the
 * observations kept from its own turn. Coincidence is told from contagion by the reproduction
 * estimate (transmissions attributed within the last window per deviant already present before
 * it) and by the group's own turning hazard: agents deviating independently in sight of each
 * other do get attributed now and then, but keep the group's own pace.
 *
 * <p>A transmission counts while its target is still deviant and its source is a sustained deviant
 * (still deviant, or deviant for at least eight of its events): a peer that slipped twice by chance
 * and recovered is no credible source, whoever turned after seeing it. For the same reason such a
 * slip, once over, no longer counts among the turns while deviants were present, which the group's
 * spontaneous turning hazard is tested against.
 *
 * <p>One DIFFUSION alert per episode; an episode ends, and the group re-arms, when no member is
 * deviant any more. A member stops counting as deviant after as many unsuspected events in a row
 * as it took suspected ones to start.
 */
public final class GroupMonitor {
    public static final String DETECTOR = "group-contagion";
    /** How far, in the target's events, its first violation may lie either side of its change-point estimate. */
    private static final int SLACK_EVENTS = 3;
    /**
     * How long, in its own events, a deviant must stay deviant to be a credible source: a stable
     * agent's chance slips raise suspicion for an event or two, real deviance lasts.
     */
    private static final int SUSTAIN_EVENTS = 8;
    /**
     * How long, in the observer's events, a source must have been deviant before an observation
     * counts: half an event, so that the observer's next decision after the turn counts wherever
     * each of the two acts in its rhythm, while a sighting in nearly the same instant as the
     * change-point estimate does not. A whole event lost the next decision of every observer that
     * acts earlier in the round than its source: in groups where deviance spreads within a round
     * or two, the first edges and with them patient zero (README, "Detection quality").
     */
    private static final double SOURCE_LEAD_EVENTS = 0.5;
    private final DiffusionSettings settings;
    private final Clock clock;

    public GroupMonitor(DiffusionSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public Optional<Alert> observe(GroupStore store, GroupSignal signal) {
        String groupId = signal.groupId();
        String agentId = signal.agentId();
        long now = signal.timestamp().toEpochMilli();
        GroupMember member = store.member(groupId, agentId);
        GroupHeader header = null;
        if (member == null) {
            header = header(store, groupId);
            header.accrue(now);
            int idBytes = agentId.getBytes(StandardCharsets.UTF_8).length;
            if (header.members >= settings.maxAgents() || !header.hasRoomFor(idBytes, settings.maxRecordBytes())) {
                header.untracked++;
                store.putHeader(groupId, header);
                return Optional.empty();
            }
            header.members++;
            header.longestMemberIdBytes = Math.max(header.longestMemberIdBytes, idBytes);
            member = new GroupMember();
        }
        // A signal that does not say whether it violated counts as one: unknown must not hide a source.
        boolean violated = !Boolean.FALSE.equals(signal.violated());
        member.observe(now, violated, signal.observedAgents(), settings.observationMemory(), settings.maxRecordBytes());
        member.suspectedStreak = signal.deviant() ? member.suspectedStreak + 1 : 0;
        member.clearStreak = signal.deviant() ? 0 : member.clearStreak + 1;
        Optional<Alert> alert = Optional.empty();
        if (!member.deviant && member.suspectedStreak >= settings.confirmEvents()) {
            header = header != null ? header : header(store, groupId);
            header.accrue(now);
            member.deviant = true;
            long turnedAt = signal.turnedAt() == null ? now : signal.turnedAt().toEpochMilli();
            alert = turned(store, header, signal, member, turnedAt);
        } else if (member.deviant && member.clearStreak >= settings.confirmEvents()) {
            header = header != null ? header : header(store, groupId);
            header.accrue(now);
            member.deviant = false;
            recovered(header, agentId, now);
        }
        store.putMember(groupId, agentId, member);
        if (header != null) {
            store.putHeader(groupId, header);
        }
        return alert;
    }

    private static GroupHeader header(GroupStore store, String groupId) {
        GroupHeader h = store.header(groupId);
        return h == null ? new GroupHeader() : h;
    }

    private Optional<Alert> turned(GroupStore store, GroupHeader header, GroupSignal signal, GroupMember member,
                                   long turnedAt) {
        boolean opens = header.currentDeviants() == 0;
        if (opens) {
            header.episode++;
            header.alerted = false;
            header.deviants.clear();
            header.exposedMemberMillis = 0;
            header.exposedTurns = 0;
            header.quietTurns++;
        } else {
            header.exposedTurns++;
        }
        long sustain = member.span(SUSTAIN_EVENTS);
        GroupHeader.Deviant target = header.deviant(signal.agentId());
        if (target == null) {
            target = new GroupHeader.Deviant(signal.agentId(), turnedAt, sustain);
            header.deviants.add(target);
        } else {
            target.current = true;
            target.turnedAt = turnedAt;
            target.clearedAt = Long.MAX_VALUE;
            target.source = null;
            target.sustainMillis = sustain;
        }
        target.opened = opens;
        // Imitation shows where the turn's violations start: measured from the change-point estimate,
        // which can sit a few events either side of that, the window had to be wider and caught
        // more chance sightings by agents about to deviate on their own.
        long slack = member.span(SLACK_EVENTS);
        long firstViolation = member.firstViolationBetween(turnedAt - slack, turnedAt + slack).orElse(turnedAt);
        long window = member.span(settings.windowEvents());
        member.exposures = member.recent.stream()
                .filter(o -> o.at() >= firstViolation - window && o.at() <= firstViolation).toList();
        long lead = member.span(SOURCE_LEAD_EVENTS);
        // The turning member is not stored until this event is done: read it live, the rest once each.
        Map<String, GroupMember> members = new HashMap<>();
        members.put(signal.agentId(), member);
        Function<String, GroupMember> memberOf =
                id -> members.computeIfAbsent(id, p -> store.member(signal.groupId(), p));
        attribute(header, target, member.exposures, null, lead, memberOf);
        for (GroupHeader.Deviant other : header.deviants) {
            if (other != target && other.source == null && other.turnedAt > turnedAt) {
                GroupMember otherMember = memberOf.apply(other.agentId);
                if (otherMember != null) {
                    attribute(header, other, otherMember.exposures, target.agentId, lead, memberOf);
                }
            }
        }
        return evaluate(header, signal, member.span(settings.reproductionWindowEvents()));
    }

    /**
     * Sets {@code target}'s source from its exposures; {@code onlyFrom} restricts the candidate.
     * The source must have been deviant for {@code lead} before the observation: a change-point
     * estimate can precede the real turn by an event or two, and what a peer saw in that gap was
     * not yet deviance. For the same reason the source must have broken a rule in about its last
     * two events before the observation, by its own record of violations.
     */
    private static void attribute(GroupHeader header, GroupHeader.Deviant target,
                                  List<GroupMember.Observation> exposures, String onlyFrom, long lead,
                                  Function<String, GroupMember> memberOf) {
        GroupMember.Observation best = null;
        for (GroupMember.Observation o : exposures) {
            if (onlyFrom != null && !onlyFrom.equals(o.peer())) {
                continue;
            }
            GroupHeader.Deviant source = header.deviant(o.peer());
            if (source == null || source == target || source.turnedAt + lead > o.at() || o.at() > source.clearedAt
                    || source.turnedAt >= target.turnedAt) {
                continue;
            }
            GroupMember seen = memberOf.apply(o.peer());
            if (seen != null && !seen.mayHaveShownViolation(o.at())) {
                continue;
            }
            if (best == null || o.at() > best.at()) {
                best = o;
            }
        }
        if (best != null) {
            target.source = best.peer();
            target.exposedAt = best.at();
        }
    }

    private static void recovered(GroupHeader header, String agentId, long now) {
        GroupHeader.Deviant d = header.deviant(agentId);
        if (d != null) {
            d.current = false;
            d.clearedAt = now;
            if (!d.sustained() && !d.opened) {
                header.exposedTurns--;
            }
        }
    }

    /** Transmissions attributed within the last window per deviant present before it. */
    static double reproduction(GroupHeader header, long now, long window) {
        long start = now - window;
        long recent = header.deviants.stream().filter(d -> d.turnedAt > start && header.counts(d)).count();
        long before = header.deviants.stream().filter(d -> d.turnedAt <= start).count();
        return (double) recent / Math.max(1, before);
    }

    private Optional<Alert> evaluate(GroupHeader header, GroupSignal signal, long window) {
        if (header.alerted) {
            return Optional.empty();
        }
        // Counted once: each count looks up every transmission's source among the deviants.
        long transmissions = header.transmissions();
        if (transmissions < settings.minTransmissions()) {
            return Optional.empty();
        }
        double r = reproduction(header, signal.timestamp().toEpochMilli(), window);
        // The estimate guards against a chance pairing or two; with twice the transmissions asked
        // for, the hazard test below carries that weight alone. Slow chains, whose members each see
        // few peers, pass the estimate early and the hazard test only once fewer turns fall in the
        // last window than deviants were there before it: 3 of 20 such groups went unalerted with
        // 8 to 11 transmissions each (README, Limitations).
        boolean spreading = r > settings.minReproduction()
                || transmissions >= 2L * settings.minTransmissions();
        if (!spreading) {
            return Optional.empty();
        }
        double spontaneousP = header.spontaneousP();
        if (spontaneousP > settings.maxSpontaneousP()) {
            return Optional.empty();
        }
        header.alerted = true;
        return Optional.of(alert(header, signal, r, spontaneousP));
    }

    /** The root of the largest transmission tree; the earliest turn breaks ties. */
    static String patientZero(GroupHeader header) {
        Map<String, GroupHeader.Deviant> byId = new HashMap<>();
        header.deviants.forEach(d -> byId.put(d.agentId, d));
        Map<String, Integer> treeSize = new HashMap<>();
        for (GroupHeader.Deviant d : header.deviants) {
            GroupHeader.Deviant root = d;
            for (int hops = 0; root.source != null && byId.containsKey(root.source) && hops < byId.size(); hops++) {
                root = byId.get(root.source);
            }
            treeSize.merge(root.agentId, 1, Integer::sum);
        }
        return header.deviants.stream()
                .filter(d -> treeSize.containsKey(d.agentId))
                .max(Comparator.comparingInt((GroupHeader.Deviant d) -> treeSize.get(d.agentId))
                        .thenComparing(d -> -d.turnedAt))
                .map(d -> d.agentId).orElse(null);
    }

    private Alert alert(GroupHeader header, GroupSignal signal, double r, double spontaneousP) {
        List<GroupHeader.Deviant> byTurn = new ArrayList<>(header.deviants);
        byTurn.sort(Comparator.comparingLong(d -> d.turnedAt));
        List<Map<String, Object>> edges = new ArrayList<>();
        List<Map<String, Object>> timeline = new ArrayList<>();
        for (GroupHeader.Deviant d : byTurn) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("agentId", d.agentId);
            step.put("turnedAt", Instant.ofEpochMilli(d.turnedAt).toString());
            if (header.counts(d)) {
                step.put("source", d.source);
                Map<String, Object> edge = new LinkedHashMap<>();
                edge.put("source", d.source);
                edge.put("target", d.agentId);
                edge.put("observedAt", Instant.ofEpochMilli(d.exposedAt).toString());
                edges.add(edge);
            }
            timeline.add(step);
        }
        long deviants = header.currentDeviants();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("patientZero", patientZero(header));
        evidence.put("edges", edges);
        evidence.put("deviantCount", deviants);
        evidence.put("members", header.members);
        evidence.put("deviantShare", Math.round(10_000.0 * deviants / Math.max(1, header.members)) / 10_000.0);
        evidence.put("reproduction", Math.round(r * 1000) / 1000.0);
        evidence.put("transmissions", header.transmissions());
        evidence.put("spontaneousP", Math.round(spontaneousP * 1e6) / 1e6);
        evidence.put("turnsWhileDeviantsPresent", header.exposedTurns);
        evidence.put("turnsWithoutDeviants", header.quietTurns);
        evidence.put("timeline", timeline);
        evidence.put("episode", header.episode);
        String identity = "DIFFUSION|" + signal.groupId() + "|" + header.episode;
        String alertId = UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
        return new Alert(alertId, AlertType.DIFFUSION, null, signal.groupId(), signal.eventId(), signal.timestamp(),
                clock.instant(), DETECTOR, r, signal.policyVersion(), evidence);
    }
}
