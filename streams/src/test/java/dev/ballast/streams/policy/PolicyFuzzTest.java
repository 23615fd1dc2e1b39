package dev.ballast.streams.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.ballast.events.Action;
import dev.ballast.events.Decoded;
import dev.ballast.events.Interaction;
import dev.ballast.events.Labels;
import dev.ballast.events.Policy;
import dev.ballast.events.Rule;
import dev.ballast.events.RuleCondition;
import dev.ballast.events.Severity;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The policy compiler answers any policy with a compiled version or its reasons, never an
 * exception, whatever its patterns (hostile, malformed, nested repetitions, features RE2 refuses);
 * and a policy that compiles judges any interaction, with texts up to 64 KiB, without throwing.
 */
class PolicyFuzzTest {
    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    private static final List<String> HOSTILE = List.of(
            "(a+)+$", "(a|a)*b", "(x+x+)+y", "(a*)*$", "((((((((((a*)*)*)*)*)*)*)*)*)*)*", "a{1000}",
            "a{1001}", "(a{1000}){1000}", "((a{100}){100}){100}", "(?:a?){50}a{50}", "[\\x{0}-\\x{10FFFF}]+",
            "\\p{Greek}+", "\\pN", "(?i)ǅ+", "(a)\\1", "(?=a)b", "(?<=a)b", "(?P<n>a)(?P=n)", "\\C", "[a-\\d]",
            "x**", "(", ")", "[", "[]", "[^]", "a{2,1}", "\\", "\\Q(*\\E", "(?s).*", "^$|^", "\\b\\B",
            "(?x) a # comment", "(?U)a+?", "\u0000", "\uD800", "[[:alpha:]]", "[[:nope:]]");

    private static final Arbitrary<String> PLAIN =
            Arbitraries.of("a", "a+", "x\\(", "[ax]{3}", "(?i)A", "^a", "a$", "x|a{2,}", "(a+)+$", "(a|a)*x");

    private final PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULT);

    @Property(tries = 500)
    void anyPolicyCompilesOrSaysWhy(@ForAll("policies") Policy policy) {
        Decoded<CompiledPolicy> compiled = compiler.compile(policy);
        assertNotNull(compiled);
        if (compiled instanceof Decoded.Rejected<CompiledPolicy> rejected) {
            assertFalse(rejected.reason().isBlank());
        }
    }

    @Property(tries = 300)
    void anyCompiledPolicyJudgesAnyInteraction(@ForAll("wellFormedPolicies") Policy policy,
                                               @ForAll("interactions") Interaction interaction) {
        boolean compiled = compiler.compile(policy) instanceof Decoded.Ok<CompiledPolicy>;
        boolean matched = false;
        if (compiler.compile(policy) instanceof Decoded.Ok<CompiledPolicy> ok) {
            PolicyEngine engine = new PolicyEngine();
            engine.add(ok.value());
            PolicyVerdict verdict = engine.evaluate(interaction);
            assertNotNull(verdict);
            assertEquals(interaction.judgedViolation() || !verdict.violatedRules().isEmpty(), verdict.violation());
            matched = !verdict.violatedRules().isEmpty();
        }
        Statistics.label("compiled").collect(compiled);
        Statistics.label("a rule matched").collect(matched);
        // Otherwise the property would pass without ever running a pattern.
        Statistics.label("compiled").coverage(c -> c.check(true).percentage(p -> p >= 25));
        Statistics.label("a rule matched").coverage(c -> c.check(true).percentage(p -> p >= 3));
    }

    @Property(tries = 200)
    void overLimitPoliciesAreRejected(@ForAll("patterns") String pattern) {
        String tooLong = pattern.repeat(1 + PolicyLimits.DEFAULT.maxPatternLength() / Math.max(1, pattern.length()));
        Policy policy = new Policy("p", 1, T0, null, List.of(new Rule("r", Severity.HIGH, "d",
                new RuleCondition(null, null, tooLong, null, null, null, null))), null);
        assertInstanceOf(Decoded.Rejected.class, compiler.compile(policy));
    }

    @Provide
    Arbitrary<String> patterns() {
        Arbitrary<String> metacharacters = Arbitraries.strings().withChars("a()[]{}*+?|\\.^$-,0123456789:=!<>PpQEx")
                .ofMaxLength(40);
        Arbitrary<String> anyText = Arbitraries.strings().ofMaxLength(60);
        return Arbitraries.oneOf(Arbitraries.of(HOSTILE), metacharacters, anyText, PLAIN,
                Arbitraries.of(HOSTILE).list().ofMinSize(2).ofMaxSize(4).map(l -> String.join("", l)));
    }

    /** Policies whose shape is right (ids, versions, non-empty conditions); their patterns may still be anything. */
    @Provide
    Arbitrary<Policy> wellFormedPolicies() {
        return conditions(true).filter(c -> c != null && !c.isEmpty()).list().ofMinSize(1).ofMaxSize(4)
                .map(whens -> {
                    List<Rule> rules = new java.util.ArrayList<>();
                    for (int i = 0; i < whens.size(); i++) {
                        rules.add(new Rule("r" + i, Severity.HIGH, "fuzzed", whens.get(i)));
                    }
                    return new Policy("p", 1, T0, null, rules, null);
                });
    }

    @Provide
    Arbitrary<Policy> policies() {
        Arbitrary<RuleCondition> conditions = conditions(false);
        Arbitrary<Rule> rules = Builders.withBuilder(() -> new Object[3])
                .use(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6).injectNull(0.05))
                .in((a, v) -> { a[0] = v; return a; })
                .use(Arbitraries.of(Severity.class).injectNull(0.05)).in((a, v) -> { a[1] = v; return a; })
                .use(conditions).in((a, v) -> { a[2] = v; return a; })
                .build(a -> new Rule((String) a[0], (Severity) a[1], "fuzzed", (RuleCondition) a[2]))
                .injectNull(0.02);
        return Builders.withBuilder(() -> new Object[3])
                .use(Arbitraries.strings().ofMaxLength(5).injectNull(0.05)).in((a, v) -> { a[0] = v; return a; })
                .use(Arbitraries.integers().between(-2, 5).injectNull(0.05)).in((a, v) -> { a[1] = v; return a; })
                .use(rules.list().ofMaxSize(4).injectNull(0.05)).in((a, v) -> { a[2] = v; return a; })
                .build(a -> new Policy((String) a[0], (Integer) a[1], T0, null, cast(a[2]), null));
    }

    private Arbitrary<RuleCondition> conditions(boolean wellFormed) {
        Arbitrary<List<String>> matchable =
                Arbitraries.strings().withChars("ax").ofMinLength(1).ofMaxLength(2).list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<List<String>> names = (wellFormed ? matchable
                : Arbitraries.oneOf(matchable, Arbitraries.strings().ofMaxLength(8).list().ofMaxSize(3))).injectNull(0.7);
        Arbitrary<String> pattern = (wellFormed ? Arbitraries.frequencyOf(Tuple.of(4, PLAIN), Tuple.of(1, patterns()))
                : patterns()).injectNull(0.6);
        return Builders.withBuilder(() -> new Object[7])
                .use(names).in((a, v) -> { a[0] = v; return a; })
                .use(names).in((a, v) -> { a[1] = v; return a; })
                .use(pattern).in((a, v) -> { a[2] = v; return a; })
                .use(pattern).in((a, v) -> { a[3] = v; return a; })
                .use(pattern).in((a, v) -> { a[4] = v; return a; })
                .use(Arbitraries.of(true, false).injectNull(0.7)).in((a, v) -> { a[5] = v; return a; })
                .use(names).in((a, v) -> { a[6] = v; return a; })
                .build(a -> new RuleCondition(cast(a[0]), cast(a[1]), (String) a[2], (String) a[3], (String) a[4],
                        (Boolean) a[5], cast(a[6])))
                .injectNull(0.02);
    }

    @Provide
    Arbitrary<Interaction> interactions() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withChars("ax(A").ofMaxLength(20),
                Arbitraries.strings().withChars("ax(A").ofMaxLength(20),
                Arbitraries.strings().withChars("ax(A").ofMaxLength(20),
                Arbitraries.strings().withChars("ax(").ofMinLength(1).ofMaxLength(64 * 1024),
                Arbitraries.just("a".repeat(64 * 1024) + "!")).injectNull(0.2);
        Arbitrary<Action> action = Builders.withBuilder(() -> new String[3])
                .use(Arbitraries.strings().withChars("ax").ofMaxLength(2).injectNull(0.3)).in((a, v) -> { a[0] = v; return a; })
                .use(Arbitraries.strings().withChars("ax").ofMaxLength(2).injectNull(0.3)).in((a, v) -> { a[1] = v; return a; })
                .use(text).in((a, v) -> { a[2] = v; return a; })
                .build(a -> new Action(a[0], a[1], a[2])).injectNull(0.2);
        Arbitrary<Labels> labels = Arbitraries.of(true, false).injectNull(0.3)
                .flatMap(v -> Arbitraries.of("a", "x", "ax").injectNull(0.3).map(c -> new Labels(v, c, null)))
                .injectNull(0.3);
        return Builders.withBuilder(() -> new Object[4])
                .use(text).in((a, v) -> { a[0] = v; return a; })
                .use(text).in((a, v) -> { a[1] = v; return a; })
                .use(action).in((a, v) -> { a[2] = v; return a; })
                .use(labels).in((a, v) -> { a[3] = v; return a; })
                .build(a -> new Interaction("e", "agent", null, T0, null, (String) a[0], (String) a[1], (Action) a[2],
                        null, null, (Labels) a[3], null));
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> cast(Object list) {
        return (List<T>) list;
    }
}
