package dev.ballast.streams.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Action;
import dev.ballast.events.Decoded;
import dev.ballast.events.Interaction;
import dev.ballast.events.Labels;
import dev.ballast.events.Policy;
import dev.ballast.events.Rule;
import dev.ballast.events.RuleCondition;
import dev.ballast.events.Severity;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULT);

    private static RuleCondition names(String... names) {
        return new RuleCondition(null, List.of(names), null, null, null, null, null);
    }

    private static RuleCondition response(String regex) {
        return new RuleCondition(null, null, regex, null, null, null, null);
    }

    private CompiledPolicy compile(String id, int version, Instant at, Rule... rules) {
        Decoded<CompiledPolicy> d = compiler.compile(new Policy(id, version, at, null, List.of(rules), null));
        return ((Decoded.Ok<CompiledPolicy>) assertInstanceOf(Decoded.Ok.class, d)).value();
    }

    private String rejection(Policy policy) {
        return ((Decoded.Rejected<CompiledPolicy>) assertInstanceOf(Decoded.Rejected.class, compiler.compile(policy))).reason();
    }

    private static Interaction act(Instant at, String name, String response) {
        return new Interaction("e", "a", null, at, null, null, response, new Action("tool_call", name, null), null,
                null, null, null);
    }

    @Test
    void selectsTheHighestVersionEffectiveAtTheInteractionsTimestamp() {
        PolicyEngine engine = new PolicyEngine();
        engine.add(compile("p", 2, T0.plusSeconds(100), new Rule("r2", Severity.LOW, "", names("email"))));
        engine.add(compile("p", 1, T0, new Rule("r1", Severity.LOW, "", names("wire"))));
        engine.add(compile("p", 3, T0.plusSeconds(200), new Rule("r3", Severity.LOW, "", names("delete"))));

        assertEquals(List.of("p/r1"), engine.evaluate(act(T0.plusSeconds(99), "wire", null)).violatedRules());
        assertFalse(engine.evaluate(act(T0.plusSeconds(99), "email", null)).violation());
        PolicyVerdict atSwitch = engine.evaluate(act(T0.plusSeconds(100), "email", null));
        assertEquals(List.of("p/r2"), atSwitch.violatedRules());
        assertEquals("p@2", atSwitch.policyVersion());
        assertFalse(engine.evaluate(act(T0.plusSeconds(150), "wire", null)).violation(), "v2 replaced v1's rules");
        assertEquals("p@3", engine.evaluate(act(T0.plusSeconds(500), "delete", null)).policyVersion());
        assertEquals("none", engine.evaluate(act(T0.minusSeconds(1), "wire", null)).policyVersion());
    }

    @Test
    void inForceOrLaterAddsEveryVersionTakingEffectAfterTheTime() {
        PolicyEngine engine = new PolicyEngine();
        engine.add(compile("p", 1, T0, new Rule("r1", Severity.LOW, "", names("wire"))));
        engine.add(compile("p", 2, T0.plusSeconds(100), new Rule("r2", Severity.LOW, "", names("email"))));
        engine.add(compile("p", 3, T0.plusSeconds(200), new Rule("r3", Severity.LOW, "", names("delete"))));
        engine.add(compile("q", 1, T0.plusSeconds(300), new Rule("q1", Severity.LOW, "", names("wire"))));
        assertEquals(List.of("p@3", "p@2", "p@1", "q@1"),
                engine.inForceOrLater(T0.plusSeconds(50)).stream().map(CompiledPolicy::tag).toList());
        assertEquals(List.of("p@3", "p@2", "q@1"),
                engine.inForceOrLater(T0.plusSeconds(100)).stream().map(CompiledPolicy::tag).toList());
        assertEquals(List.of("p@3", "q@1"),
                engine.inForceOrLater(T0.plusSeconds(300)).stream().map(CompiledPolicy::tag).toList());
        assertEquals(List.of("p@3", "p@2", "p@1", "q@1"),
                engine.inForceOrLater(T0.minusSeconds(1)).stream().map(CompiledPolicy::tag).toList(),
                "before any version: all of them are to come");
    }

    @Test
    void policiesApplyTogetherAndEveryPresentConditionMustHold() {
        PolicyEngine engine = new PolicyEngine();
        Rule both = new Rule("both", Severity.HIGH, "", new RuleCondition(List.of("tool_call"), List.of("wire"),
                "(?i)offshore", null, null, null, null));
        engine.add(compile("money", 1, T0, both));
        engine.add(compile("tone", 4, T0, new Rule("rude", Severity.LOW, "", response("(?i)idiot"))));
        assertFalse(engine.evaluate(act(T0, "wire", "domestic account")).violation());
        assertEquals(List.of("money/both"), engine.evaluate(act(T0, "wire", "to an OFFSHORE account")).violatedRules());
        PolicyVerdict v = engine.evaluate(act(T0, "wire", "offshore, you idiot"));
        assertEquals(List.of("money/both", "tone/rude"), v.violatedRules());
        assertEquals("money@1,tone@4", v.policyVersion());
    }

    @Test
    void judgeLabelMakesAViolationAndLabelConditionsMatchOnIt() {
        PolicyEngine engine = new PolicyEngine();
        engine.add(compile("p", 1, T0, new Rule("harm", Severity.CRITICAL, "",
                new RuleCondition(null, null, null, null, null, true, List.of("self-harm")))));
        Interaction judged = new Interaction("e", "a", null, T0, null, null, "ok", null, null, null,
                new Labels(true, "spam", "judge-1"), null);
        PolicyVerdict v = engine.evaluate(judged);
        assertTrue(v.violation(), "judge said so");
        assertTrue(v.violatedRules().isEmpty(), "category differs, so the rule itself does not match");
    }

    /** Found by PolicyFuzzTest: an action without a type (or labels without a category) threw and killed the task. */
    @Test
    void absentFieldsNeverMatchExactConditions() {
        PolicyEngine engine = new PolicyEngine();
        engine.add(compile("p", 1, T0,
                new Rule("types", Severity.LOW, "", new RuleCondition(List.of("tool_call"), null, null, null, null, null, null)),
                new Rule("names", Severity.LOW, "", names("wire")),
                new Rule("cats", Severity.LOW, "", new RuleCondition(null, null, null, null, null, null, List.of("fraud")))));
        Interaction bare = new Interaction("e", "a", null, T0, null, null, "r", new Action(null, null, null), null, null,
                new Labels(null, null, null), null);
        assertFalse(engine.evaluate(bare).violation());
    }

    @Test
    void rejectsBadRegexWithItsLocation() {
        String reason = rejection(new Policy("p", 1, T0, null,
                List.of(new Rule("ok", Severity.LOW, "", names("x")), new Rule("bad", Severity.LOW, "", response("(unclosed"))), null));
        assertTrue(reason.startsWith("rules[1].when.responseMatches: bad regex: "), reason);
    }

    @Test
    void rejectsOverLimitAndAmbiguousPolicies() {
        PolicyCompiler tight = new PolicyCompiler(new PolicyLimits(2, 10));
        Rule r = new Rule("r", Severity.LOW, "", names("x"));
        Decoded<CompiledPolicy> tooMany = tight.compile(new Policy("p", 1, T0, null, Collections.nCopies(3, r), null));
        assertEquals("rules: 3 rules exceed the limit of 2", ((Decoded.Rejected<CompiledPolicy>) tooMany).reason());
        Decoded<CompiledPolicy> longPattern = tight.compile(new Policy("p", 1, T0, null,
                List.of(new Rule("r", Severity.LOW, "", response("a".repeat(11)))), null));
        assertTrue(((Decoded.Rejected<CompiledPolicy>) longPattern).reason().contains("exceeds the limit of 10"));

        assertTrue(rejection(new Policy("p", 1, T0, null, List.of(r, r), null)).contains("duplicate rule id 'r'"));
        assertTrue(rejection(new Policy("p", 1, T0, null, List.of(new Rule("e", Severity.LOW, "",
                new RuleCondition(null, null, null, null, null, null, null))), null)).contains("at least one condition"));
        assertTrue(rejection(new Policy("p", 1, T0, null, List.of(new Rule("e", Severity.LOW, "", names())), null))
                .contains("empty list never matches"));
        String missing = rejection(new Policy(null, null, null, null, null, null));
        assertEquals("policyId: required; version: required, a positive integer; effectiveAt: required (ISO-8601 UTC); "
                + "rules: required (an empty list retires every rule)", missing);
    }

    /** Ids name store entries, alert evidence and metric tags: a control character in one is refused like an interaction's. */
    @Test
    void rejectsControlCharactersInIds() {
        Rule tab = new Rule("r\tx", Severity.LOW, "", names("x"));
        assertEquals("policyId: must not contain control characters (got 'p\\u0000q'); "
                        + "rules[0].id: must not contain control characters (got 'r\\u0009x')",
                rejection(new Policy("p\u0000q", 1, T0, null, List.of(tab), null)));
        assertEquals("rules[0].id: required; rules[1].id: required", rejection(new Policy("p", 1, T0, null,
                List.of(new Rule(" ", Severity.LOW, "", names("x")), new Rule(" ", Severity.LOW, "", names("y"))), null)));
    }
}
