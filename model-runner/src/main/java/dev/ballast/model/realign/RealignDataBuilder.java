package dev.ballast.model.realign;

import dev.ballast.events.PreferencePair;
import dev.ballast.events.TriageDecision;
import dev.ballast.model.BuiltinLm;
import dev.ballast.model.lm.TextSample;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Turns one policy version's triage decisions and their preference pairs into a job's training
 * and held-out data: INVERT becomes a swapped preference, PRESERVE a preference as annotated,
 * DISCARD an unlearning example; preserved pairs with no rule broken on either side also give
 * neutral text for the anchor. Conflicts are weighted by their {@link ImpactScore} under the model
 * in force. The held-out share is chosen by a hash of the pair id, so the split does not depend on
 * arrival order and a re-run holds out the same pairs.
 */
public final class RealignDataBuilder {
    /** A conflict with its impact, for the job's ranking. */
    public record Conflict(String pairId, TriageDecision.Action action, double ruleImpact, double margin,
                           double impact) {
    }

    /** The data, the conflicts by falling impact, and what went in by kind. */
    public record Built(RealignData data, List<Conflict> ranked, Map<String, Long> counts) {
    }

    private RealignDataBuilder() {
    }

    /**
     * @param decisions one decision per pair, all for the job's policy version
     * @param pairs     the pairs by id; decisions whose pair is missing are counted, not used
     */
    public static Built build(List<TriageDecision> decisions, Map<String, PreferencePair> pairs, BuiltinLm model,
                              RealignSettings settings) {
        double heldOutShare = settings.heldOutShare();
        Map<String, Long> counts = new TreeMap<>();
        List<TriageDecision> usable = new ArrayList<>(decisions.size());
        List<PreferencePair> usablePairs = new ArrayList<>(decisions.size());
        for (TriageDecision d : decisions) {
            PreferencePair pair = pairs.get(d.pairId());
            if (pair == null) {
                counts.merge("pairsMissing", 1L, Long::sum);
                continue;
            }
            counts.merge(d.action().name(), 1L, Long::sum);
            usable.add(d);
            usablePairs.add(pair);
        }
        // The reference's log-probabilities, once: they rank conflicts here and anchor the trainer.
        float[] chosenLp = SequenceLogProbs.compute(model, usablePairs.stream()
                .map(p -> new TextSample(p.prompt(), p.chosen())).toList());
        float[] rejectedLp = SequenceLogProbs.compute(model, usablePairs.stream()
                .map(p -> new TextSample(p.prompt(), p.rejected())).toList());
        List<PreferenceExample> train = new ArrayList<>();
        List<UnlearnExample> unlearn = new ArrayList<>();
        List<TextSample> neutral = new ArrayList<>();
        List<PreferenceExample> heldOut = new ArrayList<>();
        List<PreferenceExample> heldOutConflicts = new ArrayList<>();
        List<TextSample> heldOutNeutral = new ArrayList<>();
        List<Conflict> ranked = new ArrayList<>();
        for (int i = 0; i < usable.size(); i++) {
            TriageDecision d = usable.get(i);
            PreferencePair pair = usablePairs.get(i);
            double margin = chosenLp[i] - rejectedLp[i];
            double impact = ImpactScore.of(d.impact(), margin);
            boolean held = heldOut(d.pairId(), heldOutShare);
            switch (d.action()) {
                case INVERT -> {
                    PreferenceExample swapped = new PreferenceExample(d.pairId(), pair.prompt(), pair.rejected(),
                            pair.chosen(), impact, rejectedLp[i], chosenLp[i]);
                    (held ? heldOut : train).add(swapped);
                    if (held) {
                        heldOutConflicts.add(swapped);
                    }
                    ranked.add(new Conflict(d.pairId(), d.action(), d.impact(), margin, impact));
                }
                case DISCARD -> {
                    if (!held) {
                        unlearn.add(new UnlearnExample(d.pairId(), pair.prompt(), pair.chosen(), impact, chosenLp[i]));
                    }
                    ranked.add(new Conflict(d.pairId(), d.action(), d.impact(), margin, impact));
                }
                case PRESERVE -> {
                    (held ? heldOut : train).add(new PreferenceExample(d.pairId(), pair.prompt(), pair.chosen(),
                            pair.rejected(), settings.preserveWeight(), chosenLp[i], rejectedLp[i]));
                    if (d.chosenViolates().isEmpty() && d.rejectedViolates().isEmpty()) {
                        (held ? heldOutNeutral : neutral).add(new TextSample(pair.prompt(), pair.chosen()));
                    }
                }
            }
        }
        ranked.sort(Comparator.comparingDouble(Conflict::impact).reversed().thenComparing(Conflict::pairId));
        counts.put("trainPairs", (long) train.size());
        counts.put("heldOutPairs", (long) heldOut.size());
        counts.put("unlearn", (long) unlearn.size());
        counts.put("neutral", (long) neutral.size());
        counts.put("heldOutNeutral", (long) heldOutNeutral.size());
        return new Built(new RealignData(train, unlearn, neutral, heldOut, heldOutConflicts, heldOutNeutral), ranked,
                counts);
    }

    static boolean heldOut(String pairId, double share) {
        CRC32 crc = new CRC32();
        crc.update(pairId.getBytes(StandardCharsets.UTF_8));
        return (crc.getValue() % 10_000) < share * 10_000;
    }
}
