package dev.ballast.streams.metrics;

import dev.ballast.events.AlertType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    private final Map<AlertType, Counter> alerts = new EnumMap<>(AlertType.class);
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();

    public BallastMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.compliant = interactions(registry, "compliant");
        this.violations = interactions(registry, "violation");
        this.policiesAccepted = Counter.builder("ballast.policy.versions.accepted")
                .description("Policy versions put in force, counted per monitor task (each task holds every version)")
                .register(registry);
        for (AlertType type : AlertType.values()) {
            alerts.put(type, Counter.builder("ballast.alerts").tag("type", type.name())
                    .description("Alerts raised").register(registry));
        }
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

    public void alert(AlertType type) {
        alerts.get(type).increment();
    }

    public void policyAccepted() {
        policiesAccepted.increment();
    }

    /** Counts a record sent to the dead-letter topic, by the topic it came from. */
    public void deadLetter(String sourceTopic) {
        deadLetters.computeIfAbsent(sourceTopic, t -> Counter.builder("ballast.dlq.records")
                .tag("source_topic", t).description("Records dead-lettered, by source topic")
                .register(registry)).increment();
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
