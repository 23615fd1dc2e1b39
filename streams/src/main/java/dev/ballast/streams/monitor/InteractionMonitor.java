package dev.ballast.streams.monitor;

import dev.ballast.events.Alert;
import dev.ballast.events.Interaction;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.drift.AgentState;
import dev.ballast.streams.drift.Detection;
import dev.ballast.streams.drift.RecentEventIds;
import dev.ballast.streams.diffusion.GroupSignal;
import dev.ballast.streams.policy.PolicyEngine;
import dev.ballast.streams.policy.PolicyVerdict;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The monitor's decision for one interaction, free of Kafka: judge it against the policies in
 * force at its timestamp, fold the verdict into the agent's detector state, and build the alert
 * if an episode opened. The stream processor and offline runs share this class.
 */
public final class InteractionMonitor {
    /** Reason text for an interaction stamped too far after it was sent; the metrics key on it. */
    public static final String AHEAD_OF_RECORD = "after its record's time";

    private final PolicyEngine policies;
    private final AgentMonitor agents;
    private final Clock clock;

    /**
     * The verdict for an interaction, the alert it raised if any, and for an agent in a group
     * what the group monitor needs to know.
     */
    public record Outcome(PolicyVerdict verdict, Optional<Alert> alert, Optional<GroupSignal> groupSignal) {
    }

    public InteractionMonitor(PolicyEngine policies, AgentMonitor agents, Clock clock) {
        this.policies = policies;
        this.agents = agents;
        this.clock = clock;
    }

    public PolicyEngine policies() {
        return policies;
    }

    /**
     * Whether {@code interaction} repeats one of the agent's latest events (same eventId and
     * timestamp: a re-sent record), as the dead-letter reason; otherwise it is remembered in
     * {@code state} and is to be judged. A re-sent interaction is judged once, at its first arrival.
     */
    public static Optional<String> repeated(Interaction interaction, AgentState state) {
        if (state.rememberEvent(interaction.eventId(), interaction.timestamp().toEpochMilli())) {
            return Optional.empty();
        }
        return Optional.of("eventId and timestamp: " + RecentEventIds.ALREADY_SEEN + " " + RecentEventIds.CAPACITY
                + " interactions (a re-sent record?); judged once, at its first arrival; the value here is the"
                + " interaction as Ballast read it");
    }

    /**
     * Why {@code interaction} cannot be judged at its timestamp, if it lies more than
     * {@code maxAheadMs} after {@code recordTime} (when it was sent; 0 = no limit). Judged, a
     * year-9999 stamp would move its task's event-time progress there, and every group signal of
     * that task after it would reach the group monitor late, out of order.
     */
    public static Optional<String> aheadOfRecord(Interaction interaction, long recordTime, long maxAheadMs) {
        long ahead = interaction.timestamp().toEpochMilli() - recordTime;
        if (maxAheadMs <= 0 || ahead <= maxAheadMs) {
            return Optional.empty();
        }
        return Optional.of("timestamp: " + interaction.timestamp() + " is "
                + String.format(Locale.ROOT, "%,.1f hours", ahead / 3_600_000.0)
                + " " + AHEAD_OF_RECORD + " " + Instant.ofEpochMilli(recordTime)
                + ", more than event.max.ahead.ms (" + maxAheadMs + "); fix the agent's clock, or set 0 to accept any");
    }

    public Outcome observe(Interaction interaction, AgentState state) {
        PolicyVerdict verdict = policies.evaluate(interaction);
        Optional<Detection> detection = agents.observe(state, verdict.violation(), interaction.reward(),
                interaction.timestamp().toEpochMilli());
        return new Outcome(verdict, detection.map(d -> alert(interaction, verdict, d)),
                Optional.ofNullable(interaction.groupId()).filter(g -> !g.isBlank())
                        .map(g -> groupSignal(interaction, verdict, state)));
    }

    private GroupSignal groupSignal(Interaction interaction, PolicyVerdict verdict, AgentState state) {
        boolean deviant = agents.suspected(state);
        Instant turnedAt = deviant ? Instant.ofEpochMilli(state.changeStartMillis()) : null;
        return new GroupSignal(interaction.groupId(), interaction.agentId(), interaction.eventId(),
                interaction.timestamp(), deviant, verdict.violation(), turnedAt, interaction.observedAgents(),
                verdict.policyVersion());
    }

    private Alert alert(Interaction interaction, PolicyVerdict verdict, Detection d) {
        // Deterministic id: a re-processed event after a crash yields the same alert id.
        String identity = d.type() + "|" + interaction.agentId() + "|" + d.episode() + "|" + interaction.eventId();
        String alertId = UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
        var evidence = d.evidence();
        evidence.put("violatedRules", verdict.violatedRules());
        return new Alert(alertId, d.type(), interaction.agentId(), interaction.groupId(), interaction.eventId(),
                interaction.timestamp(), clock.instant(), d.detector(), d.statistic() / d.threshold(),
                verdict.policyVersion(), evidence);
    }
}
