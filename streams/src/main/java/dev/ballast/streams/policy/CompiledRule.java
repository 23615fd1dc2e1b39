package dev.ballast.streams.policy;

import com.google.re2j.Pattern;
import dev.ballast.events.Interaction;
import dev.ballast.events.Severity;
import java.util.Set;

/**
 * A rule ready to match: exact-match sets and compiled RE2 patterns. A {@code null} field is an
 * absent condition; every present condition must hold.
 */
record CompiledRule(
        String id,
        Severity severity,
        Set<String> actionTypes,
        Set<String> actionNames,
        Pattern responseMatches,
        Pattern contentMatches,
        Pattern promptMatches,
        Boolean labelViolation,
        Set<String> categoryIn) {

    boolean matches(Interaction interaction) {
        var action = interaction.action();
        if (actionTypes != null && !in(actionTypes, action == null ? null : action.type())) {
            return false;
        }
        if (actionNames != null && !in(actionNames, action == null ? null : action.name())) {
            return false;
        }
        if (!find(responseMatches, interaction.response())) {
            return false;
        }
        if (!find(contentMatches, action == null ? null : action.content())) {
            return false;
        }
        if (!find(promptMatches, interaction.prompt())) {
            return false;
        }
        if (labelViolation != null && labelViolation != interaction.judgedViolation()) {
            return false;
        }
        return categoryIn == null || in(categoryIn, interaction.labels() == null ? null : interaction.labels().category());
    }

    /** Membership that tolerates an absent value: immutable sets throw on {@code contains(null)}. */
    private static boolean in(Set<String> values, String value) {
        return value != null && values.contains(value);
    }

    private static boolean find(Pattern pattern, String text) {
        return pattern == null || (text != null && pattern.matcher(text).find());
    }
}
