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
        if (actionTypes != null && (action == null || !actionTypes.contains(action.type()))) {
            return false;
        }
        if (actionNames != null && (action == null || !actionNames.contains(action.name()))) {
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
        return categoryIn == null
                || (interaction.labels() != null && categoryIn.contains(interaction.labels().category()));
    }

    private static boolean find(Pattern pattern, String text) {
        return pattern == null || (text != null && pattern.matcher(text).find());
    }
}
