package dev.ballast.streams.policy;

import dev.ballast.events.Interaction;
import dev.ballast.events.Policy;
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
