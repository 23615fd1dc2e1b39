package dev.ballast.streams.sim;

import dev.ballast.events.EventJson;
import dev.ballast.events.Policy;
import dev.ballast.events.PreferencePair;
import dev.ballast.events.Rule;
import dev.ballast.events.RuleCondition;
import dev.ballast.events.Severity;
import dev.ballast.events.TriageDecision.Action;
import dev.ballast.model.corpus.TextWorld;
import dev.ballast.model.lm.TextSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Preference data annotated under an old customer-care policy, and the policy change that puts
 * part of it in conflict (RESEARCH.md, TRACE). Annotators preferred generous customer replies: a
 * refund offered, a delivery time promised. Version 2 of {@value #POLICY_ID}, effective after the
 * last simulated round, forbids both promises, so:
 * <ul>
 *   <li>generous over plain replies become INVERT (the chosen one now breaks a rule, the rejected
 *       one complies);</li>
 *   <li>generous over terse replies become DISCARD (both promise);</li>
 *   <li>plain over terse replies, refusals over harmful compliance and helpful answers over
 *       refusals of ordinary tasks stay PRESERVE.</li>
 * </ul>
 * Each pair's expected action under each version is in the ground truth.
 */
public final class PreferenceSimulation {
    static final String POLICY_ID = "customer-care";
    /** The policy version the preference data meets, as triage decisions name it. */
    public static final String NEW_VERSION = POLICY_ID + "@2";
    static final String REFUND_RULE = "no-refund-promises";
    static final String DELIVERY_RULE = "no-delivery-promises";
    static final String BLAME_RULE = "no-blaming-customers";
    static final String FILE = "preferences.jsonl";
    private static final String DATASET = "support-preferences";

    /** What a pair is, by how the annotators and the new policy see it. */
    enum Kind { PROMISE_OVER_PLAIN, PROMISE_OVER_TERSE_PROMISE, PLAIN_OVER_TERSE_PROMISE, REFUSAL_OVER_HARM,
        HELP_OVER_REFUSAL }

    private final PreferenceSpec spec;
    private final SplittableRandom rng;
    private final Instant changeAt;
    private final List<String> lines = new ArrayList<>();
    private final List<GroundTruth.PreferenceTruth> truth = new ArrayList<>();
    private final List<GroundTruth.MalformedLine> malformed = new ArrayList<>();

    /** @param changeAt when version 2 of the customer-care policy takes effect */
    PreferenceSimulation(PreferenceSpec spec, SplittableRandom rng, Instant changeAt) {
        this.spec = spec;
        this.rng = rng;
        this.changeAt = changeAt;
        for (int i = 0; i < spec.count(); i++) {
            add(String.format("pair-%05d", i + 1));
        }
        breakLines();
    }

    List<String> lines() {
        return lines;
    }

    List<GroundTruth.PreferenceTruth> truth() {
        return truth;
    }

    List<GroundTruth.MalformedLine> malformedLines() {
        return malformed;
    }

    /** Version 1 (from {@code start}) and version 2 (from {@code changeAt}) of the customer-care policy. */
    static List<Policy> policies(Instant start, Instant changeAt) {
        Rule blame = new Rule(BLAME_RULE, Severity.MEDIUM, "Never tell customers a problem is their own fault.",
                new RuleCondition(null, null, "(?i)\\b(your|their) own fault\\b", null, null, null, null));
        Rule refund = new Rule(REFUND_RULE, Severity.HIGH,
                "Support may not promise refunds; billing decides them. Offer a replacement instead.",
                new RuleCondition(null, null, "(?i)\\brefunds?\\b", null, null, null, null));
        Rule delivery = new Rule(DELIVERY_RULE, Severity.MEDIUM,
                "Never promise a delivery time; carriers change them. Point to the tracking link.",
                new RuleCondition(null, null, "(?i)\\bships within \\d+ days?\\b", null, null, null, null));
        return List.of(new Policy(POLICY_ID, 1, start, "Customer care.", List.of(blame), null),
                new Policy(POLICY_ID, 2, changeAt, "Customer care: no refund or delivery-time promises.",
                        List.of(blame, refund, delivery), null));
    }

    private void add(String pairId) {
        double u = rng.nextDouble();
        double c = spec.conflictShare();
        Kind kind;
        if (u < c * 0.8) {
            kind = Kind.PROMISE_OVER_PLAIN;
        } else if (u < c) {
            kind = Kind.PROMISE_OVER_TERSE_PROMISE;
        } else {
            double v = (u - c) / (1 - c);
            kind = v < 0.25 ? Kind.PLAIN_OVER_TERSE_PROMISE : v < 0.6 ? Kind.REFUSAL_OVER_HARM : Kind.HELP_OVER_REFUSAL;
        }
        boolean refund = rng.nextBoolean();
        TextWorld.CustomerReply reply = refund ? TextWorld.damagedItem(rng) : TextWorld.shippingQuestion(rng);
        String promiseRule = refund ? REFUND_RULE : DELIVERY_RULE;
        PreferencePair pair;
        List<String> chosenBreaks = List.of();
        List<String> rejectedBreaks = List.of();
        switch (kind) {
            case PROMISE_OVER_PLAIN -> {
                pair = pair(pairId, reply.prompt(), reply.generous(), reply.plain());
                chosenBreaks = List.of(promiseRule);
            }
            case PROMISE_OVER_TERSE_PROMISE -> {
                pair = pair(pairId, reply.prompt(), reply.generous(), reply.terse());
                chosenBreaks = List.of(promiseRule);
                rejectedBreaks = List.of(promiseRule);
            }
            case PLAIN_OVER_TERSE_PROMISE -> {
                pair = pair(pairId, reply.prompt(), reply.plain(), reply.terse());
                rejectedBreaks = List.of(promiseRule);
            }
            case REFUSAL_OVER_HARM -> {
                TextWorld.HarmfulRequest harm = TextWorld.harmfulRequest(rng, rng.nextBoolean());
                pair = pair(pairId, harm.prompt(), harm.refusal(), harm.compliance());
            }
            default -> {
                TextSample help = TextWorld.taskWithoutPromises(rng);
                pair = pair(pairId, help.prompt(), help.response(), TextWorld.REFUSAL_OF_TASK);
            }
        }
        lines.add(EventJson.writeString(pair));
        Map<String, String> expectedByVersion = new LinkedHashMap<>();
        expectedByVersion.put(POLICY_ID + "@1", Action.PRESERVE.name());
        expectedByVersion.put(NEW_VERSION, expected(chosenBreaks, rejectedBreaks).name());
        truth.add(new GroundTruth.PreferenceTruth(pairId, kind.name(), expectedByVersion, chosenBreaks, rejectedBreaks));
    }

    private static PreferencePair pair(String pairId, String prompt, String chosen, String rejected) {
        return new PreferencePair(pairId, DATASET, prompt, chosen, rejected);
    }

    private static Action expected(List<String> chosenBreaks, List<String> rejectedBreaks) {
        if (chosenBreaks.isEmpty()) {
            return Action.PRESERVE;
        }
        return rejectedBreaks.isEmpty() ? Action.INVERT : Action.DISCARD;
    }

    private void breakLines() {
        malformed.addAll(MalformedLines.insert(rng, lines, FILE, spec.malformedLines(), List.of(
                new String[]{"{\"pairId\":\"broken-p%d\",\"prompt\":\"p\",\"chosen\":\"c\"}", "rejected missing"},
                new String[]{"{\"pairId\":\"broken-p%d\",\"prompt\":\"p\",\"chosen\":\"c\",\"rejected\":",
                        "truncated JSON"})));
    }
}
