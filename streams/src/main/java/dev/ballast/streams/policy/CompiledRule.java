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
        if (labelViolation != null && labelViolation != interaction.judgedViolation()) {
            return false;
        }
        if (categoryIn != null && !in(categoryIn, interaction.labels() == null ? null : interaction.labels().category())) {
            return false;
        }
        // Patterns last: a rule whose exact conditions already fail never runs its regexes.
        return find(responseMatches, interaction.response())
                && find(contentMatches, action == null ? null : action.content())
                && find(promptMatches, interaction.prompt());
    }

    /** Membership that tolerates an absent value: immutable sets throw on {@code contains(null)}. */
    private static boolean in(Set<String> values, String value) {
        return value != null && values.contains(value);
    }

    private static boolean find(Pattern pattern, String text) {
        return pattern == null || (text != null && pattern.matcher(text).find());
    }
}
