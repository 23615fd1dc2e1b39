package dev.ballast.streams.policy;

import dev.ballast.events.Interaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Every known version of every policy, and event-time selection among them: for each policy, the
 * version in force for an interaction is the highest version whose {@code effectiveAt} is not
 * after the interaction's timestamp. Versions arrive in any order; a re-published version
 * replaces the earlier copy. Not thread-safe: one engine per stream task.
 */
public final class PolicyEngine {
    private final Map<String, NavigableMap<Integer, CompiledPolicy>> versions = new TreeMap<>();

    public void add(CompiledPolicy policy) {
        versions.computeIfAbsent(policy.policyId(), id -> new TreeMap<>()).put(policy.version(), policy);
    }

    /** The versions in force at {@code at}, one per policy that has one. */
    public List<CompiledPolicy> inForce(Instant at) {
        return inForce(at, at);
    }

    /**
     * The versions in force at {@code at}; for a policy that had none in force yet, the version in
     * force at {@code decidedAt}. A record older than a policy is not exempt from it: a
     * fine-tuning sample written before a rule existed still trains the model that must follow it
     * (judged by {@link #inForce(Instant)} alone, a backfill of samples older than every policy
     * passed every rule unread, with version {@value #NO_POLICY}).
     */
    public List<CompiledPolicy> inForce(Instant at, Instant decidedAt) {
        List<CompiledPolicy> result = new ArrayList<>(versions.size());
        for (NavigableMap<Integer, CompiledPolicy> byVersion : versions.values()) {
            CompiledPolicy then = latestEffective(byVersion, at);
            CompiledPolicy chosen = then != null ? then : latestEffective(byVersion, decidedAt);
            if (chosen != null) {
                result.add(chosen);
            }
        }
        return result;
    }

    /** The highest version of one policy in force at {@code at}, or null. */
    private static CompiledPolicy latestEffective(NavigableMap<Integer, CompiledPolicy> byVersion, Instant at) {
        for (CompiledPolicy candidate : byVersion.descendingMap().values()) {
            if (!candidate.effectiveAt().isAfter(at)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The versions in force at {@code at} and every version taking effect after it, per policy:
     * what a record of that time must be judged against to have a decision under each version
     * that governs it now or will (one published ahead of its effective time included).
     */
    public List<CompiledPolicy> inForceOrLater(Instant at) {
        List<CompiledPolicy> result = new ArrayList<>(versions.size());
        for (NavigableMap<Integer, CompiledPolicy> byVersion : versions.values()) {
            for (CompiledPolicy candidate : byVersion.descendingMap().values()) {
                result.add(candidate);
                if (!candidate.effectiveAt().isAfter(at)) {
                    break;
                }
            }
        }
        return result;
    }

    public PolicyVerdict evaluate(Interaction interaction) {
        List<CompiledPolicy> inForce = inForce(interaction.timestamp());
        List<String> violated = new ArrayList<>(0);
        for (CompiledPolicy policy : inForce) {
            for (String rule : policy.violatedRules(interaction)) {
                violated.add(policy.policyId() + "/" + rule);
            }
        }
        boolean violation = !violated.isEmpty() || interaction.judgedViolation();
        return new PolicyVerdict(violation, violated, versionTag(inForce));
    }

    /** The version tag of an interaction judged while no policy was in force. */
    public static final String NO_POLICY = "none";

    /** "policyId@version" of each policy, joined by commas; {@value #NO_POLICY} for no policy. */
    public static String versionTag(List<CompiledPolicy> policies) {
        if (policies.isEmpty()) {
            return NO_POLICY;
        }
        StringBuilder tag = new StringBuilder();
        for (CompiledPolicy policy : policies) {
            if (tag.length() > 0) {
                tag.append(',');
            }
            tag.append(policy.tag());
        }
        return tag.toString();
    }
}
