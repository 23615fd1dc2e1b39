package dev.ballast.streams.policy;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.ballast.events.Decoded;
import dev.ballast.events.FieldProblems;
import dev.ballast.events.Policy;
import dev.ballast.events.Rule;
import dev.ballast.events.RuleCondition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates a policy version and compiles its rules. Anything doubtful rejects the whole version:
 * a policy that half-loads would silently widen or disable rules.
 */
public final class PolicyCompiler {
    private final PolicyLimits limits;

    public PolicyCompiler(PolicyLimits limits) {
        this.limits = limits;
    }

    /** The compiled policy, or every problem found, joined with "; ". */
    public Decoded<CompiledPolicy> compile(Policy policy) {
        List<String> problems = new ArrayList<>();
        FieldProblems.requireId(problems, "policyId", policy.policyId());
        if (policy.version() == null || policy.version() < 1) {
            problems.add("version: required, a positive integer");
        }
        if (policy.effectiveAt() == null) {
            problems.add("effectiveAt: required (ISO-8601 UTC)");
        }
        List<CompiledRule> compiled = new ArrayList<>();
        if (policy.rules() == null) {
            problems.add("rules: required (an empty list retires every rule)");
        } else if (policy.rules().size() > limits.maxRules()) {
            problems.add("rules: " + policy.rules().size() + " rules exceed the limit of " + limits.maxRules());
        } else {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < policy.rules().size(); i++) {
                compileRule("rules[" + i + "]", policy.rules().get(i), ids, problems, compiled);
            }
        }
        if (!problems.isEmpty()) {
            return Decoded.rejected(String.join("; ", problems));
        }
        return Decoded.ok(new CompiledPolicy(policy, compiled));
    }

    private void compileRule(String at, Rule rule, Set<String> ids, List<String> problems,
                             List<CompiledRule> out) {
        if (rule == null) {
            problems.add(at + ": null rule");
            return;
        }
        int before = problems.size();
        FieldProblems.requireId(problems, at + ".id", rule.id());
        if (problems.size() == before && !ids.add(rule.id())) {
            problems.add(at + ".id: duplicate rule id '" + rule.id() + "'");
        }
        if (rule.severity() == null) {
            problems.add(at + ".severity: required (low, medium, high or critical)");
        }
        RuleCondition when = rule.when();
        if (when == null || when.isEmpty()) {
            problems.add(at + ".when: at least one condition is required; an empty condition would match everything");
            return;
        }
        Set<String> actionTypes = exactSet(at + ".when.actionTypes", when.actionTypes(), problems);
        Set<String> actionNames = exactSet(at + ".when.actionNames", when.actionNames(), problems);
        Set<String> categoryIn = exactSet(at + ".when.categoryIn", when.categoryIn(), problems);
        Pattern response = pattern(at + ".when.responseMatches", when.responseMatches(), problems);
        Pattern content = pattern(at + ".when.contentMatches", when.contentMatches(), problems);
        Pattern prompt = pattern(at + ".when.promptMatches", when.promptMatches(), problems);
        if (problems.size() == before) {
            out.add(new CompiledRule(rule.id(), rule.severity(), actionTypes, actionNames, response, content,
                    prompt, when.labelViolation(), categoryIn));
        }
    }

    private static Set<String> exactSet(String at, List<String> values, List<String> problems) {
        if (values == null) {
            return null;
        }
        if (values.isEmpty()) {
            problems.add(at + ": empty list never matches; remove the condition instead");
            return null;
        }
        if (values.stream().anyMatch(v -> v == null || v.isBlank())) {
            problems.add(at + ": blank entry");
            return null;
        }
        return Set.copyOf(new LinkedHashSet<>(values));
    }

    private Pattern pattern(String at, String regex, List<String> problems) {
        if (regex == null) {
            return null;
        }
        if (regex.isEmpty()) {
            problems.add(at + ": empty pattern matches everything; remove the condition instead");
            return null;
        }
        if (regex.length() > limits.maxPatternLength()) {
            problems.add(at + ": pattern of " + regex.length() + " characters exceeds the limit of "
                    + limits.maxPatternLength());
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            problems.add(at + ": bad regex: " + e.getDescription() + " in '" + regex + "'");
            return null;
        }
    }
}
