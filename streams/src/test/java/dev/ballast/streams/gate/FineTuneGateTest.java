package dev.ballast.streams.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Candidate;
import dev.ballast.events.Decoded;
import dev.ballast.events.GateDecision;
import dev.ballast.events.Policy;
import dev.ballast.events.Rule;
import dev.ballast.events.RuleCondition;
import dev.ballast.events.ScoredCandidate;
import dev.ballast.events.Severity;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.policy.CompiledPolicy;
import dev.ballast.streams.policy.PolicyCompiler;
import dev.ballast.streams.policy.PolicyEngine;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FineTuneGateTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private final BallastConfig config = BallastConfig.defaults();
    private final FineTuneGate gate = new FineTuneGate(config.gate());

    static PolicyEngine policies(Instant effectiveAt) {
        BallastConfig config = BallastConfig.defaults();
        Rule secrets = new Rule("no-secrets", Severity.HIGH, "no credentials in training data",
                new RuleCondition(null, null, "(?i)password is", null, null, null, null));
        Rule tools = new Rule("no-forbidden-tool", Severity.HIGH, "action rule: cannot apply to text",
                new RuleCondition(List.of("tool_call"), null, null, null, null, null, null));
        PolicyEngine engine = new PolicyEngine();
        var compiled = new PolicyCompiler(config.policyLimits())
                .compile(new Policy("data", 1, effectiveAt, null, List.of(secrets, tools), null));
        engine.add(((Decoded.Ok<CompiledPolicy>) compiled).value());
        return engine;
    }

    private static Candidate candidate(int i, String response) {
        return new Candidate("s" + i, "ds", "prompt " + i, response, null);
    }

    private static ScoredCandidate score(Candidate c, double gradNorm) {
        return ScoredCandidate.of(c, gradNorm, 1.0, "m1");
    }

    @Test
    void copiesOfATextWhoseScoreIsTheThresholdAreAllAcceptedWhateverTheirScoringNoise() {
        // One text in five is the same text: its score, 1.0, is the 0.9 quantile, and each copy
        // comes back moved by float32 noise of the size the model-runner's batches give.
        PolicyEngine engine = policies(T0);
        ScoreSketch sketch = ScoreSketch.empty(200);
        SplittableRandom rng = new SplittableRandom(9);
        int copies = 0;
        for (int i = 0; i < 5_000; i++) {
            boolean copy = rng.nextInt(5) == 0;
            double gradNorm = copy ? 1.0 + 1.4e-7 * (2 * rng.nextDouble() - 1) : rng.nextDouble() * 0.99;
            Candidate c = candidate(i, "a benign answer");
            GateDecision d = gate.decide(c, score(c, gradNorm), sketch, engine, T0.plusSeconds(i), T0.plusSeconds(i));
            if (copy && d.threshold() != null) {
                copies++;
                assertEquals(GateDecision.Decision.ACCEPT, d.decision(), "copy " + i + ": " + d);
            }
        }
        assertTrue(copies > 900, "copies decided: " + copies);
        Candidate above = candidate(5_000, "a benign answer");
        assertEquals(List.of(GateDecision.HIGH_GRADIENT), gate.decide(above, score(above, 1.0001), sketch, engine,
                T0.plusSeconds(5_000), T0.plusSeconds(5_000)).reasons(), "a ten-thousandth above the tie is above it");
    }

    @Test
    void failsClosedDuringWarmupThenKeepsAboutTheKeepRatio() {
        PolicyEngine engine = policies(T0);
        ScoreSketch sketch = ScoreSketch.empty(200);
        SplittableRandom rng = new SplittableRandom(5);
        int warmup = config.gate().warmupSamples();
        int accepted = 0;
        int decided = 0;
        for (int i = 0; i < 20_000; i++) {
            Candidate c = candidate(i, "a benign answer");
            Instant at = T0.plusSeconds(i);
            GateDecision d = gate.decide(c, score(c, rng.nextDouble() * 10), sketch, engine, at, at);
            if (i < warmup) {
                assertEquals(GateDecision.Decision.QUARANTINE, d.decision());
                assertEquals(List.of(GateDecision.WARMUP), d.reasons());
                continue;
            }
            assertNotNull(d.threshold());
            assertEquals(d.gradNorm() <= d.threshold() * (1 + FineTuneGate.AT_THRESHOLD),
                    d.decision() == GateDecision.Decision.ACCEPT);
            decided++;
            if (d.decision() == GateDecision.Decision.ACCEPT) {
                accepted++;
            } else {
                assertEquals(List.of(GateDecision.HIGH_GRADIENT), d.reasons());
            }
        }
        assertEquals(config.gate().keepRatio(), (double) accepted / decided, 0.02);
    }

    @Test
    void highGradientSamplesBeyondOneMinusTheKeepRatioAreStillQuarantined() {
        // 30% of the dataset scores ten times the rest: the 0.9 quantile lies among them.
        GateSettings s = config.gate();
        int[] bounded = acceptedOrdinaryAndHigh(gate);
        int[] quantileOnly = acceptedOrdinaryAndHigh(new FineTuneGate(
                new GateSettings(s.keepRatio(), 0, s.warmupSamples(), s.sketchK(), s.surge(), s.orderGraceMs())));
        assertEquals(0, bounded[1], "high-gradient samples accepted with the median bound");
        assertTrue(bounded[0] > 0.97 * 0.7 * 4_900, "ordinary samples accepted: " + bounded[0]);
        assertTrue(quantileOnly[1] > 500, "without the bound the keep quantile lets the excess in: " + quantileOnly[1]);
    }

    /** Accepted {ordinary, high-gradient} samples of 5,000, a third of the first 100 from warm-up. */
    private static int[] acceptedOrdinaryAndHigh(FineTuneGate gate) {
        PolicyEngine engine = policies(T0);
        ScoreSketch sketch = ScoreSketch.empty(200);
        SplittableRandom rng = new SplittableRandom(13);
        int[] accepted = new int[2];
        for (int i = 0; i < 5_000; i++) {
            boolean high = rng.nextDouble() < 0.3;
            double gradNorm = high ? 2.0 + 2.0 * rng.nextDouble() : 0.3 * Math.exp(0.25 * rng.nextGaussian());
            Candidate c = candidate(i, "an answer");
            GateDecision d = gate.decide(c, score(c, gradNorm), sketch, engine, T0.plusSeconds(i), T0.plusSeconds(i));
            if (d.decision() == GateDecision.Decision.ACCEPT) {
                accepted[high ? 1 : 0]++;
            }
        }
        return accepted;
    }

    @Test
    void aRuleMatchQuarantinesWhateverTheGradient() {
        PolicyEngine engine = policies(T0);
        ScoreSketch sketch = ScoreSketch.empty(200);
        for (int i = 0; i < 500; i++) {
            Candidate c = candidate(i, "fine");
            gate.decide(c, score(c, 5.0 + (i % 10)), sketch, engine, T0, T0);
        }
        Candidate leak = candidate(999, "The admin Password is falcon42.");
        GateDecision d = gate.decide(leak, score(leak, 0.1), sketch, engine, T0, T0);
        assertEquals(GateDecision.Decision.QUARANTINE, d.decision());
        assertEquals(List.of("POLICY_CONFLICT:no-secrets"), d.reasons());
        assertEquals(List.of("no-secrets"), d.violatedRules());
        assertEquals("data@1", d.policyVersion());
        assertEquals(500, sketch.count(), "a rule breaker's score does not move the threshold");
    }

    /**
     * A sample older than a policy is not exempt from it: stamped before the policy's first
     * version, it is judged by the version in force when it reaches the gate (before, a backfill
     * of old samples passed every rule with policy version "none").
     */
    @Test
    void aCandidateOlderThanEveryVersionOfAPolicyIsJudgedByTheVersionInForceWhenItArrives() {
        PolicyEngine engine = policies(T0.plusSeconds(3600));
        Candidate leak = candidate(1, "password is x");
        GateDecision d = gate.decide(leak, null, ScoreSketch.empty(200), engine, Instant.EPOCH,
                T0.plusSeconds(7200));
        assertEquals(List.of("POLICY_CONFLICT:no-secrets", GateDecision.NO_SCORE), d.reasons());
        assertEquals("data@1", d.policyVersion());
    }

    @Test
    void aPolicyNotYetInForceDoesNotApply() {
        PolicyEngine engine = policies(T0.plusSeconds(3600));
        Candidate leak = candidate(1, "password is x");
        GateDecision d = gate.decide(leak, null, ScoreSketch.empty(200), engine, T0, T0);
        assertEquals(List.of(GateDecision.NO_SCORE), d.reasons());
        assertEquals("none", d.policyVersion());
    }

    @Test
    void noUsableScoreIsQuarantinedAndLeavesTheSketchAlone() {
        PolicyEngine engine = policies(T0);
        ScoreSketch sketch = ScoreSketch.empty(200);
        Candidate c = candidate(1, "ok");
        assertEquals(List.of(GateDecision.NO_SCORE), gate.decide(c, null, sketch, engine, T0, T0).reasons());
        GateDecision failed = gate.decide(c, ScoredCandidate.failed(c, "m1", "boom"), sketch, engine, T0, T0);
        assertEquals(List.of(GateDecision.NO_SCORE), failed.reasons());
        assertEquals("m1", failed.modelVersion());
        assertEquals(0, sketch.count());
    }

    @Test
    void sketchSurvivesItsByteForm() {
        ScoreSketch sketch = ScoreSketch.empty(200);
        for (int i = 1; i <= 1000; i++) {
            sketch.add(i);
        }
        ScoreSketch back = ScoreSketch.fromBytes(sketch.toBytes());
        assertEquals(1000, back.count());
        assertEquals(900, back.quantile(0.9), 20);
        assertTrue(back.rank(500) > 0.45 && back.rank(500) < 0.55);
    }
}
