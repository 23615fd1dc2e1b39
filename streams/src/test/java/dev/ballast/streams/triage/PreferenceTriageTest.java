package dev.ballast.streams.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.events.Decoded;
import dev.ballast.events.Policy;
import dev.ballast.events.PreferencePair;
import dev.ballast.events.Rule;
import dev.ballast.events.RuleCondition;
import dev.ballast.events.Severity;
import dev.ballast.events.TriageDecision;
import dev.ballast.events.TriageDecision.Action;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.policy.CompiledPolicy;
import dev.ballast.streams.policy.PolicyCompiler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PreferenceTriageTest {
    private static final Rule CREDENTIALS = new Rule("no-credentials", Severity.HIGH, "no passwords",
            new RuleCondition(null, null, "(?i)password is", null, null, null, null));
    private static final Rule CONCEALMENT = new Rule("no-concealment", Severity.MEDIUM, "no hiding",
            new RuleCondition(null, null, "(?i)don't tell the supervisor", null, null, null, null));
    private static final Rule PROMPT = new Rule("no-exploit-requests", Severity.LOW, "prompt rule",
            new RuleCondition(null, null, null, null, "(?i)exploit", null, null));
    private static final Rule TOOL = new Rule("no-bulk-email", Severity.CRITICAL, "action rule: never matches text",
            new RuleCondition(List.of("tool_call"), null, null, null, null, null, null));

    private final PreferenceTriage triage = new PreferenceTriage();

    private static CompiledPolicy policy(int version, Rule... rules) {
        var compiled = new PolicyCompiler(BallastConfig.defaults().policyLimits())
                .compile(new Policy("conduct", version, Instant.EPOCH, null, List.of(rules), null));
        return ((Decoded.Ok<CompiledPolicy>) compiled).value();
    }

    private static PreferencePair pair(String prompt, String chosen, String rejected) {
        return new PreferencePair("p1", "prefs", prompt, chosen, rejected);
    }

    @Test
    void chosenViolatingAndRejectedComplyingIsInvertedWithTheRuleSeverityAsImpact() {
        TriageDecision d = triage.triage(pair("How do I log in?", "The password is falcon12.", "Ask IT for access."),
                policy(2, CREDENTIALS, CONCEALMENT, TOOL));
        assertEquals(Action.INVERT, d.action());
        assertEquals(List.of("no-credentials"), d.chosenViolates());
        assertEquals(List.of(), d.rejectedViolates());
        assertEquals(3.0, d.impact());
        assertEquals("conduct@2", d.policyVersion());
        assertEquals("p1", d.pairId());
    }

    @Test
    void bothViolatingIsDiscardedAndTheImpactIsTheChosenSidesWorstRule() {
        TriageDecision d = triage.triage(pair("Log in?", "The password is x1. Don't tell the supervisor.",
                "Don't tell the supervisor, just use mine."), policy(2, CREDENTIALS, CONCEALMENT));
        assertEquals(Action.DISCARD, d.action());
        assertEquals(List.of("no-credentials", "no-concealment"), d.chosenViolates());
        assertEquals(List.of("no-concealment"), d.rejectedViolates());
        assertEquals(3.0, d.impact());
    }

    @Test
    void onlyTheRejectedSideViolatingOrNeitherIsPreservedWithNoImpact() {
        CompiledPolicy p = policy(1, CREDENTIALS);
        TriageDecision agrees = triage.triage(pair("Log in?", "Ask IT.", "The password is x1."), p);
        assertEquals(Action.PRESERVE, agrees.action());
        assertEquals(List.of("no-credentials"), agrees.rejectedViolates());
        assertEquals(0.0, agrees.impact());
        TriageDecision clean = triage.triage(pair("Log in?", "Ask IT.", "No idea."), p);
        assertEquals(Action.PRESERVE, clean.action());
        assertEquals(0.0, clean.impact());
    }

    @Test
    void aRuleOnThePromptMakesBothSidesViolate() {
        TriageDecision d = triage.triage(pair("Write an exploit", "Here it is.", "I can't."), policy(3, PROMPT));
        assertEquals(Action.DISCARD, d.action());
        assertEquals(1.0, d.impact());
    }

    @Test
    void aPairIsJudgedByTheVersionItIsTriagedAgainst() {
        PreferencePair p = pair("Log in?", "The password is x1.", "Ask IT.");
        assertEquals(Action.PRESERVE, triage.triage(p, policy(1, CONCEALMENT)).action());
        assertEquals(Action.INVERT, triage.triage(p, policy(2, CONCEALMENT, CREDENTIALS)).action());
    }

    /** Random pairs built from phrases whose rule status is known: the triage must match the rule exactly. */
    @Test
    void isExactOnRandomRuleDecidablePairs() {
        CompiledPolicy p = policy(2, CREDENTIALS, CONCEALMENT, PROMPT, TOOL);
        List<String> clean = List.of("Ask IT for access.", "Check the tag first.", "The depot opens at 6.",
                "Passwords live in the vault.", "Tell the supervisor everything.");
        List<String> violating = List.of("The password is sunrise42.", "Don't tell the supervisor about it.",
                "OK. The PASSWORD IS depot7 and don't tell the supervisor.");
        SplittableRandom rng = new SplittableRandom(99);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            boolean promptBad = rng.nextInt(10) == 0;
            boolean chosenBad = rng.nextBoolean();
            boolean rejectedBad = rng.nextBoolean();
            String prompt = promptBad ? "Find an exploit for the badge reader" : "Help with the badge reader";
            String chosen = (chosenBad ? violating : clean).get(rng.nextInt(chosenBad ? violating.size() : clean.size()));
            String rejected = (rejectedBad ? violating : clean).get(rng.nextInt(rejectedBad ? violating.size()
                    : clean.size()));
            boolean c = chosenBad || promptBad;
            boolean r = rejectedBad || promptBad;
            Action expected = !c ? Action.PRESERVE : r ? Action.DISCARD : Action.INVERT;
            Action got = triage.triage(pair(prompt, chosen, rejected), p).action();
            if (got != expected) {
                wrong.add(prompt + " | " + chosen + " | " + rejected + ": " + got + " not " + expected);
            }
        }
        assertEquals(List.of(), wrong);
    }
}
