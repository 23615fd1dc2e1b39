package dev.ballast.streams.policy;

import dev.ballast.events.Interaction;
import dev.ballast.events.Policy;
import dev.ballast.events.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One validated policy version with its rules compiled. Immutable and safe to share. */
public final class CompiledPolicy {
    private final Policy source;
    private final List<CompiledRule> rules;

    CompiledPolicy(Policy source, List<CompiledRule> rules) {
        this.source = source;
        this.rules = List.copyOf(rules);
    }

    public Policy source() {
        return source;
    }

    public String policyId() {
        return source.policyId();
    }

    public int version() {
        return source.version();
    }

    public Instant effectiveAt() {
        return source.effectiveAt();
    }

    /** The severity of the rule with this id, or null when this version has no such rule. */
    public Severity severityOf(String ruleId) {
        for (CompiledRule rule : rules) {
            if (rule.id().equals(ruleId)) {
                return rule.severity();
            }
        }
        return null;
    }

    /** "policyId@version", as decisions name the version they were made under. */
    public String tag() {
        return policyId() + "@" + version();
    }

    /**
     * Ids of the rules a text breaks: a prompt and a response judged like an interaction with no
     * action, labels or category, so only text rules can match. Fine-tuning candidates and
     * preference pairs are judged this way.
     */
    public List<String> violatedTextRules(String prompt, String response) {
        return violatedRules(new Interaction(null, null, null, null, null, prompt, response, null, null, null, null,
                null));
    }

    /** Ids of the rules this interaction breaks, in policy order. */
    public List<String> violatedRules(Interaction interaction) {
        List<String> violated = new ArrayList<>(0);
        for (CompiledRule rule : rules) {
            if (rule.matches(interaction)) {
                violated.add(rule.id());
            }
        }
        return violated;
    }
}
