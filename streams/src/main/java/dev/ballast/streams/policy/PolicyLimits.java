package dev.ballast.streams.policy;

/**
 * Bounds on what one policy version may contain. RE2 already guarantees linear-time matching;
 * these limits bound the per-interaction cost (rules times pattern size) and the memory a policy
 * can take in every task.
 *
 * @param maxRules         most rules in one policy version
 * @param maxPatternLength most characters in one RE2 pattern
 */
public record PolicyLimits(int maxRules, int maxPatternLength) {
    public static final PolicyLimits DEFAULT = new PolicyLimits(256, 1024);

    public PolicyLimits {
        if (maxRules < 1 || maxPatternLength < 1) {
            throw new IllegalArgumentException("policy limits must be positive");
        }
    }
}
