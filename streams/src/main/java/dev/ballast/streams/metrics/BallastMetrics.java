package dev.ballast.streams.metrics;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.EventJson;
import dev.ballast.events.GateDecision;
import dev.ballast.events.RealignJob;
import dev.ballast.events.TriageDecision;
import dev.ballast.streams.drift.RecentEventIds;
import dev.ballast.streams.gate.SamplePairing;
import dev.ballast.streams.monitor.InteractionMonitor;
import dev.ballast.streams.triage.PreferenceTriage;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ballast's own meters. Names follow Prometheus conventions once exported
 * ({@code ballast_interactions_total{outcome="violation"}} and so on); the dashboards and alert
 * rules refer to them by these names.
 */
public final class BallastMetrics {
    private final MeterRegistry registry;
    private final Counter compliant;
    private final Counter violations;
    private final Counter policiesAccepted;
    private final Counter policiesRejected;
    private final Map<String, Counter> policiesLate = new ConcurrentHashMap<>();
    private final Counter untrackedGroupSignals;
    private final Counter rewardsLeftOut;
    private final Counter alertEscalations;
    private final Map<AlertType, Counter> alerts = new EnumMap<>(AlertType.class);
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<GateDecision.Decision, Counter> gateDecisions = new EnumMap<>(GateDecision.Decision.class);
    private final Map<String, Counter> quarantineReasons = new ConcurrentHashMap<>();
    private final DistributionSummary gradNorms;
    private final Map<TriageDecision.Action, Counter> triageDecisions = new EnumMap<>(TriageDecision.Action.class);
    private final AtomicLong triageRescans = new AtomicLong();
    private final AtomicLong candidatesWaiting = new AtomicLong();
    private final AtomicLong gatePairsHeld = new AtomicLong();
    private final AtomicLong agentsInEpisode = new AtomicLong();
    private final AtomicLong groupsInDiffusion = new AtomicLong();
    private final AtomicLong groupSignalsHeld = new AtomicLong();
    private final AtomicLong triggerInputsHeld = new AtomicLong();
    private final Counter triggerInputsLate;
    private final Counter gatePairsLate;
    private final Map<String, Counter> groupSignalsOutOfOrder = new ConcurrentHashMap<>();
    private final Timer alertLatency;

    public BallastMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.compliant = interactions(registry, "compliant");
        this.violations = interactions(registry, "violation");
        this.policiesAccepted = Counter.builder("ballast.policy.versions.accepted")
                .description("Policy versions put in force (each accepted version once)")
                .register(registry);
        this.policiesRejected = Counter.builder("ballast.policy.versions.rejected")
                .description("Policy records dead-lettered (unreadable, or a version refused whole): the versions "
                        + "before them stay in force")
                .register(registry);
        for (String processor : List.of("monitor", "gate")) {
            policiesLate.put(processor, Counter.builder("ballast.policy.versions.late").tag("processor", processor)
                    .description("Policy versions that reached a task after it had judged records past their effectiveAt"
                            + " (those stay judged by the versions it held; counted once per task)")
                    .register(registry));
        }
        this.rewardsLeftOut = Counter.builder("ballast.rewards.left.out")
                .description("Compliant rewards left out of their agent's reward statistics as glitches (an order of "
                        + "magnitude off the agent's usual pay); the interactions are judged as usual")
                .register(registry);
        this.alertEscalations = Counter.builder("ballast.alert.escalations")
                .description("TIPPING alerts that escalate an episode first alerted as DRIFT (counted in "
                        + "ballast.alerts too)")
                .register(registry);
        this.untrackedGroupSignals = Counter.builder("ballast.diffusion.untracked.signals")
                .description("Group signals of agents their group could not track: beyond diffusion.max.agents, or "
                        + "beyond what its header record holds with ids that long (counted, not tracked)")
                .register(registry);
        for (AlertType type : AlertType.values()) {
            alerts.put(type, Counter.builder("ballast.alerts").tag("type", type.name())
                    .description("Alerts raised").register(registry));
        }
        for (GateDecision.Decision d : GateDecision.Decision.values()) {
            gateDecisions.put(d, Counter.builder("ballast.gate.decisions").tag("decision", d.name())
                    .description("Fine-tuning candidates decided by the gate").register(registry));
        }
        for (TriageDecision.Action a : TriageDecision.Action.values()) {
            triageDecisions.put(a, Counter.builder("ballast.triage.decisions").tag("action", a.name())
                    .description("Preference pairs triaged against a policy version").register(registry));
        }
        Gauge.builder("ballast.agents.in.episode", agentsInEpisode, AtomicLong::get)
                .description("Agents alerted and not yet back to their baseline").register(registry);
        Gauge.builder("ballast.groups.in.diffusion", groupsInDiffusion, AtomicLong::get)
                .description("Groups with a DIFFUSION alert in their current episode").register(registry);
        Gauge.builder("ballast.diffusion.signals.held", groupSignalsHeld, AtomicLong::get)
                .description("Group signals held until every monitor task has passed their event time").register(registry);
        for (String reason : List.of("late", "buffer_full")) {
            groupSignalOutOfOrderCounter(reason);
        }
        Gauge.builder("ballast.realign.trigger.held", triggerInputsHeld, AtomicLong::get)
                .description("Alerts and triage decisions the trigger holds to count them in event-time order")
                .register(registry);
        gatePairsLate = Counter.builder("ballast.gate.pairs.late")
                .description("Scored candidates the gate decided after one with a later event time (they arrived after the order grace)")
                .register(registry);
        triggerInputsLate = Counter.builder("ballast.realign.trigger.late")
                .description("Alerts and triage decisions the trigger counted after a later one (they arrived after the order grace)")
                .register(registry);
        alertLatency = Timer.builder("ballast.alert.latency")
                .description("From the triggering record's timestamp to the alert leaving its processor")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("ballast.gate.candidates.waiting", candidatesWaiting, AtomicLong::get)
                .description("Fine-tuning candidates waiting for their score from the model-runner").register(registry);
        Gauge.builder("ballast.gate.pairs.held", gatePairsHeld, AtomicLong::get)
                .description("Scored candidates a bounded run (replay, demo) holds to decide in event-time order once its input has ended")
                .register(registry);
        Gauge.builder("ballast.triage.rescans.pending", triageRescans, AtomicLong::get)
                .description("Re-triages of stored preference pairs against a new policy version still running")
                .register(registry);
        for (RealignJob.Reason reason : RealignJob.Reason.values()) {
            triggered(reason.name());
        }
        gradNorms = DistributionSummary.builder("ballast.gate.grad.norm")
                .description("Gradient norms of scored candidates reaching the gate").publishPercentileHistogram()
                .register(registry);
    }

    private static Counter interactions(MeterRegistry registry, String outcome) {
        return Counter.builder("ballast.interactions").tag("outcome", outcome)
                .description("Interactions judged against the policy in force").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void interaction(boolean violation) {
        (violation ? violations : compliant).increment();
    }

    /** Counts a compliant reward left out of its agent's reward statistics as a glitch. */
    public void rewardLeftOut() {
        rewardsLeftOut.increment();
    }

    /** Compliant rewards left out as glitches so far. */
    public long rewardsLeftOut() {
        return (long) rewardsLeftOut.count();
    }

    /**
     * Counts an alert, whether it escalates an episode, and its latency: {@code latencyMs} from its
     * triggering record's timestamp.
     */
    public void alert(Alert alert, long latencyMs) {
        alerts.get(alert.type()).increment();
        if (alert.escalation()) {
            alertEscalations.increment();
        }
        alertLatency.record(Math.max(0, latencyMs), TimeUnit.MILLISECONDS);
    }

    /** Agents entering ({@code delta} > 0) or leaving an episode, or handed to another instance. */
    public void agentsInEpisode(long delta) {
        agentsInEpisode.addAndGet(delta);
    }

    /** Groups entering or leaving a diffusion episode, or handed to another instance. */
    public void groupsInDiffusion(long delta) {
        groupsInDiffusion.addAndGet(delta);
    }

    /** Group signals entering ({@code delta} > 0) or leaving the event-time order buffer. */
    public void groupSignalsHeld(long delta) {
        groupSignalsHeld.addAndGet(delta);
    }

    /** Group signals still held for event-time order, over every task of this instance. */
    public long groupSignalsHeld() {
        return groupSignalsHeld.get();
    }

    /**
     * A group signal judged out of event-time order: {@code late} (it arrived after a monitor task
     * that had gone idle woke with older data) or {@code buffer_full}.
     */
    public void groupSignalOutOfOrder(String reason) {
        groupSignalOutOfOrderCounter(reason).increment();
    }

    /** Group signals judged out of event-time order so far, by reason. */
    public Map<String, Long> groupSignalsOutOfOrder() {
        Map<String, Long> out = new TreeMap<>();
        groupSignalsOutOfOrder.forEach((reason, c) -> out.put(reason, (long) c.count()));
        return out;
    }

    private Counter groupSignalOutOfOrderCounter(String reason) {
        return groupSignalsOutOfOrder.computeIfAbsent(reason, r -> Counter.builder("ballast.diffusion.signals.out.of.order")
                .tag("reason", r).description("Group signals judged out of event-time order").register(registry));
    }

    /** A group signal from an agent its group had no room left to track. */
    public void untrackedGroupSignal() {
        untrackedGroupSignals.increment();
    }

    /** Group signals not tracked so far, their group already tracking {@code diffusion.max.agents} agents. */
    public long untrackedGroupSignals() {
        return (long) untrackedGroupSignals.count();
    }

    public void policyAccepted() {
        policiesAccepted.increment();
    }

    /**
     * A policy record was dead-lettered, whatever its reason's kind: its author expects rules that
     * are not in force, which {@code ballast_dlq_records_total} alone does not tell apart from bad
     * interactions without knowing the policy topic's name.
     */
    public void policyRejected() {
        policiesRejected.increment();
    }

    /** A policy version reached a task of {@code processor} (monitor, gate) after records it governs had been judged there. */
    public void policyLate(String processor) {
        policiesLate.get(processor).increment();
    }

    /**
     * Counts a record sent to the dead-letter topic, by the topic it came from and the kind of
     * its reason ({@link #reasonKind}: a handful of values, where the reason text itself is
     * unbounded).
     */
    public void deadLetter(String sourceTopic, String reason) {
        String kind = reasonKind(reason);
        deadLetters.computeIfAbsent(sourceTopic + "\u0000" + kind, k -> Counter.builder("ballast.dlq.records")
                .tag("source_topic", sourceTopic).tag("reason", kind)
                .description("Records dead-lettered, by source topic and kind of reason").register(registry)).increment();
    }

    /**
     * policy_rejected, too_large, too_deep, number_too_long, repeated_event, future_timestamp, repeated_sample,
     * conflicting_sample, repeated_pair, duplicate_field, invalid_utf8,
     * invalid_json, empty, missing_field, wrong_type or invalid_value.
     */
    public static String reasonKind(String reason) {
        String r = reason == null ? "" : reason;
        if (r.startsWith("policy ")) {
            return "policy_rejected";
        }
        if (r.contains(EventJson.TOO_LARGE)) {
            return "too_large";
        }
        if (r.contains(EventJson.TOO_DEEP)) {
            return "too_deep";
        }
        if (r.contains(EventJson.NUMBER_TOO_LONG)) {
            return "number_too_long";
        }
        if (r.contains(RecentEventIds.ALREADY_SEEN)) {
            return "repeated_event";
        }
        if (r.contains(InteractionMonitor.AHEAD_OF_RECORD)) {
            return "future_timestamp";
        }
        if (r.startsWith(SamplePairing.REPEATED)) {
            return "repeated_sample";
        }
        if (r.startsWith(SamplePairing.CONFLICTING)) {
            return "conflicting_sample";
        }
        if (r.equals(PreferenceTriage.REPEATED)) {
            return "repeated_pair";
        }
        if (r.contains(EventJson.DUPLICATE_FIELD)) {
            return "duplicate_field";
        }
        if (r.contains("Invalid UTF-8")) {
            return "invalid_utf8";
        }
        if (r.contains("not valid JSON")) {
            return "invalid_json";
        }
        if (r.contains("empty record") || r.contains("JSON null")) {
            return "empty";
        }
        if (r.contains("required")) {
            return "missing_field";
        }
        return r.contains("expected") ? "wrong_type" : "invalid_value";
    }

    /** Counts a gate decision, its quarantine reasons (rule ids folded into POLICY_CONFLICT) and its gradNorm. */
    public void gateDecision(GateDecision decision) {
        gateDecisions.get(decision.decision()).increment();
        for (String reason : decision.reasons()) {
            String label = reason.startsWith(GateDecision.POLICY_CONFLICT) ? "POLICY_CONFLICT" : reason;
            quarantineReasons.computeIfAbsent(label, r -> Counter.builder("ballast.gate.quarantine.reasons")
                    .tag("reason", r).description("Reasons given for quarantined candidates (one decision may give several)")
                    .register(registry)).increment();
        }
        if (decision.gradNorm() != null) {
            gradNorms.record(decision.gradNorm());
        }
    }

    public void triageDecision(TriageDecision decision) {
        triageDecisions.get(decision.action()).increment();
    }

    /** Scored candidates a gate task began ({@code delta} > 0) or stopped ({@code delta} < 0) holding. */
    public void gatePairsHeld(long delta) {
        gatePairsHeld.addAndGet(delta);
    }

    /** Scored candidates held for event-time order, over every gate task of this instance. */
    public long gatePairsHeld() {
        return gatePairsHeld.get();
    }

    /** Gate decisions made in this process, of either kind. */
    public double gateDecisionsMade() {
        return gateDecisions.values().stream().mapToDouble(Counter::count).sum();
    }

    /** Candidates that began ({@code delta} > 0) or stopped ({@code delta} < 0) waiting for their score in a gate task. */
    public void candidatesWaiting(long delta) {
        candidatesWaiting.addAndGet(delta);
    }

    public long candidatesWaiting() {
        return candidatesWaiting.get();
    }

    /** Re-triages started ({@code delta} > 0) or finished or handed over ({@code delta} < 0) by a triage task. */
    public void triageRescans(long delta) {
        triageRescans.addAndGet(delta);
    }

    public long triageRescansPending() {
        return triageRescans.get();
    }

    /** A re-alignment job the trigger created, by reason. */
    public void realignJobCreated(String reason) {
        triggered(reason).increment();
    }

    /** Re-alignment jobs the trigger created in this process, of every reason. */
    public double realignJobsCreated() {
        return Arrays.stream(RealignJob.Reason.values()).mapToDouble(r -> triggered(r.name()).count()).sum();
    }

    /** Inputs the trigger began ({@code delta} > 0) or stopped ({@code delta} < 0) holding. */
    public void triggerInputsHeld(long delta) {
        triggerInputsHeld.addAndGet(delta);
    }

    /** Alerts and triage decisions the trigger holds for event-time order, over every task of this instance. */
    public long triggerInputsHeld() {
        return triggerInputsHeld.get();
    }

    /** A scored candidate decided after one with a later event time. */
    public void gatePairLate() {
        gatePairsLate.increment();
    }

    /** An alert or triage decision counted after one with a later event time. */
    public void triggerInputLate() {
        triggerInputsLate.increment();
    }

    private Counter triggered(String reason) {
        return Counter.builder("ballast.realign.triggered").tag("reason", reason)
                .description("Re-alignment jobs the trigger created").register(registry);
    }

    public double triageCount(TriageDecision.Action action) {
        return triageDecisions.get(action).count();
    }

    public double interactionsCount(boolean violation) {
        return (violation ? violations : compliant).count();
    }

    public double alertCount(AlertType type) {
        return alerts.get(type).count();
    }

    public double deadLetterCount() {
        return deadLetters.values().stream().mapToDouble(Counter::count).sum();
    }
}
