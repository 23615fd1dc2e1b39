package dev.ballast.streams.triage;

import dev.ballast.events.PreferencePair;
import dev.ballast.events.Severity;
import dev.ballast.events.TriageDecision;
import dev.ballast.events.TriageDecision.Action;
import dev.ballast.streams.policy.CompiledPolicy;
import java.util.List;

/**
 * TRACE's triage rule: judges both sides of a preference pair against one policy version.
 * The chosen response breaks a rule and the rejected one does not: INVERT (the data now teaches
 * the wrong preference). Both break rules: DISCARD (neither is an example to learn from).
 * Otherwise PRESERVE. Each side is the prompt with that response, so a rule on the prompt alone
 * makes both sides violate and the pair is discarded.
 *
 * <p>The impact is the weight of the most severe rule the chosen response breaks (low 1,
 * medium 2, high 3, critical 4; 0 for PRESERVE): what the policy says about how wrong the learned
 * preference is. Re-alignment multiplies it by how strongly the model holds that preference.
 */
public final class PreferenceTriage {
    /** The dead-letter reason of a pair sent again unchanged (and its kind in metrics). */
    public static final String REPEATED = "pairId already triaged with the same content: a re-sent pair is triaged once";

    /** The decision for {@code pair} under {@code policy}. */
    public TriageDecision triage(PreferencePair pair, CompiledPolicy policy) {
        List<String> chosen = policy.violatedTextRules(pair.prompt(), pair.chosen());
        List<String> rejected = policy.violatedTextRules(pair.prompt(), pair.rejected());
        Action action;
        if (chosen.isEmpty()) {
            action = Action.PRESERVE;
        } else {
            action = rejected.isEmpty() ? Action.INVERT : Action.DISCARD;
        }
        double impact = 0;
        if (action != Action.PRESERVE) {
            for (String rule : chosen) {
                impact = Math.max(impact, weight(policy.severityOf(rule)));
            }
        }
        return new TriageDecision(pair.pairId(), action, impact, policy.tag(), chosen, rejected);
    }

    /** Weight of a severity in the impact score. */
    static double weight(Severity severity) {
        return switch (severity) {
            case LOW -> 1;
            case MEDIUM -> 2;
            case HIGH -> 3;
            case CRITICAL -> 4;
        };
    }
}
