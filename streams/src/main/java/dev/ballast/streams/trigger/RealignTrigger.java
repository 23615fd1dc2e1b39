package dev.ballast.streams.trigger;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.RealignJob;
import dev.ballast.events.TriageDecision;
import dev.ballast.streams.policy.PolicyEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides when to ask for a re-alignment job (DESIGN.md, "Trigger"): when the INVERT and DISCARD
 * decisions for one policy version reach {@link TriggerSettings#minConflicts()}, or when TIPPING,
 * DRIFT and DIFFUSION alerts under one policy version reach {@link TriggerSettings#minAlerts()}
 * within the alert window. At most one job per (reason, policy version), ever; and none while the
 * same reason's cooldown runs (the condition is checked again on the next record); none for alerts
 * judged while no policy was in force. The job id is
 * a function of (reason, policy version), so even a job re-sent by some failure is recognisable.
 * Pure: the caller keeps the {@link TriggerState}.
 */
public final class RealignTrigger {
    private static final Set<AlertType> ALIGNMENT_ALERTS = Set.of(AlertType.TIPPING, AlertType.DRIFT,
            AlertType.DIFFUSION);
    private final TriggerSettings settings;
    private final Map<String, String> selectorTopics;

    /**
     * @param triageTopic      where the executor finds the triage decisions
     * @param preferencesTopic where it finds the pairs they name
     */
    public RealignTrigger(TriggerSettings settings, String triageTopic, String preferencesTopic) {
        this.settings = settings;
        this.selectorTopics = Map.of(RealignJob.TRIAGE_TOPIC, triageTopic, RealignJob.PREFERENCES_TOPIC,
                preferencesTopic);
    }

    /** Counts a triage decision; returns the job it calls for, if any. */
    public Optional<RealignJob> onDecision(TriggerState state, TriageDecision decision, long at) {
        if (decision.action() == TriageDecision.Action.PRESERVE
                || state.jobs().containsKey(key(RealignJob.Reason.TRIAGE_CONFLICTS, decision.policyVersion()))) {
            return Optional.empty();
        }
        Map<String, Long> counts = state.conflicts().computeIfAbsent(decision.policyVersion(), v -> new TreeMap<>());
        counts.merge(decision.action().name(), 1L, Long::sum);
        long conflicts = counts.values().stream().mapToLong(Long::longValue).sum();
        if (conflicts < settings.minConflicts()) {
            return Optional.empty();
        }
        return create(state, RealignJob.Reason.TRIAGE_CONFLICTS, decision.policyVersion(), counts, List.of(), at);
    }

    /** Notes an alert; returns the job it calls for, if any. */
    public Optional<RealignJob> onAlert(TriggerState state, Alert alert, long at) {
        // Under no policy there are no triage decisions for a job to learn from: it could only fail.
        // An escalation re-types an episode whose opening alert was counted already: one episode, one count.
        if (!ALIGNMENT_ALERTS.contains(alert.type()) || alert.escalation() || alert.policyVersion() == null
                || alert.policyVersion().equals(PolicyEngine.NO_POLICY)
                || state.jobs().containsKey(key(RealignJob.Reason.ALERT_SURGE, alert.policyVersion()))) {
            return Optional.empty();
        }
        // Every version's alerts that left the window go, and a version left with none goes too:
        // the state is one value in its store, and a long-lived deployment's many versions would
        // otherwise grow it past what its changelog takes. Alerts arrive in event-time order.
        state.alerts().values().removeIf(marks -> {
            marks.removeIf(m -> m.at() <= at - settings.alertWindowMs());
            return marks.isEmpty();
        });
        List<TriggerState.AlertMark> recent = state.alerts().computeIfAbsent(alert.policyVersion(),
                v -> new ArrayList<>());
        recent.add(new TriggerState.AlertMark(alert.alertId(), alert.type().name(), at));
        while (recent.size() > settings.minAlerts()) {
            recent.remove(0);
        }
        if (recent.size() < settings.minAlerts()) {
            return Optional.empty();
        }
        Map<String, Long> byType = new TreeMap<>();
        recent.forEach(m -> byType.merge(m.type(), 1L, Long::sum));
        return create(state, RealignJob.Reason.ALERT_SURGE, alert.policyVersion(), byType,
                recent.stream().map(TriggerState.AlertMark::alertId).toList(), at);
    }

    private Optional<RealignJob> create(TriggerState state, RealignJob.Reason reason, String policyVersion,
                                        Map<String, Long> counts, List<String> alertIds, long at) {
        // Both callers count nothing for a (reason, version) that has its job already.
        Long last = state.lastJobAt().get(reason.name());
        if (last != null && at < last + settings.cooldownMs()) {
            return Optional.empty();
        }
        String jobId = jobId(reason, policyVersion);
        state.jobs().put(key(reason, policyVersion), jobId);
        state.lastJobAt().put(reason.name(), at);
        // At most one job per (reason, policy version), ever: what counted towards it is done with.
        (reason == RealignJob.Reason.TRIAGE_CONFLICTS ? state.conflicts() : state.alerts()).remove(policyVersion);
        Map<String, String> selector = new TreeMap<>(selectorTopics);
        selector.put(RealignJob.POLICY_VERSION, policyVersion);
        // Sorted maps, so that a job is written the same way every time it is created.
        return Optional.of(new RealignJob(jobId, reason.name(), List.copyOf(alertIds), policyVersion, "current",
                Collections.unmodifiableMap(selector), Collections.unmodifiableMap(new TreeMap<>(counts)),
                Instant.ofEpochMilli(at)));
    }

    private static String key(RealignJob.Reason reason, String policyVersion) {
        return reason.name() + "|" + policyVersion;
    }

    /** {@code realign-<reason>-<policy version>}, with anything but letters, digits, '.', '_' and '@' as '-'. */
    static String jobId(RealignJob.Reason reason, String policyVersion) {
        return "realign-" + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-"
                + policyVersion.replaceAll("[^A-Za-z0-9._@]", "-");
    }
}
