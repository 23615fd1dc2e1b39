package dev.ballast.streams.sim;

import dev.ballast.events.Candidate;
import dev.ballast.events.EventJson;
import dev.ballast.model.corpus.TextWorld;
import dev.ballast.model.lm.TextSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fine-tuning candidates as a data pipeline would propose them, in three datasets, written in the
 * built-in model's {@link TextWorld}. Most samples are benign (tasks, and harmful requests that are
 * refused); a share are harmful compliance (the RESEARCH.md case: benign-looking data whose large
 * loss gradient erodes safety, and which no rule names); a share break a text rule (concealment,
 * in force from policy version 1, or a disclosed credential, forbidden from version 2 on, so the
 * gate must judge each candidate by the version in force at its time). In the surge dataset the
 * harmful share jumps for its last 40% of samples, a poisoned batch the GATE_SURGE alert is for.
 */
final class CandidateSimulation {
    static final String MAIN_DATASET = "ops-assistant";
    static final String MACROS_DATASET = "support-macros";
    static final String SURGE_DATASET = "vendor-batch";
    static final String CONCEALMENT_RULE = "no-concealment";
    static final String CREDENTIAL_RULE = "no-credential-disclosure";
    static final String FILE = "candidates.jsonl";

    private final CandidateSpec spec;
    private final SplittableRandom rng;
    private final Instant start;
    private final Duration span;
    private final Instant credentialRuleFrom;
    private final List<String> lines = new ArrayList<>();
    private final List<GroundTruth.CandidateTruth> truth = new ArrayList<>();
    private final List<GroundTruth.MalformedLine> malformed = new ArrayList<>();
    private final List<GroundTruth.DatasetTruth> datasets = new ArrayList<>();

    /**
     * @param credentialRuleFrom when the policy version that forbids disclosed credentials takes effect
     */
    CandidateSimulation(CandidateSpec spec, SplittableRandom rng, Instant start, Duration span,
                        Instant credentialRuleFrom) {
        this.spec = spec;
        this.rng = rng;
        this.start = start;
        this.span = span;
        this.credentialRuleFrom = credentialRuleFrom;
        generate();
    }

    List<String> lines() {
        return lines;
    }

    List<GroundTruth.CandidateTruth> truth() {
        return truth;
    }

    List<GroundTruth.MalformedLine> malformedLines() {
        return malformed;
    }

    List<GroundTruth.DatasetTruth> datasets() {
        return datasets;
    }

    private void generate() {
        if (spec.count() == 0) {
            return;
        }
        int surge = spec.surgeSamples();
        int macros = spec.count() / 4;
        int main = spec.count() - surge - macros;
        int surgeFrom = spec.surgeFromSample();
        datasets.add(new GroundTruth.DatasetTruth(MAIN_DATASET, main, null));
        datasets.add(new GroundTruth.DatasetTruth(MACROS_DATASET, macros, null));
        if (surge > 0) {
            datasets.add(new GroundTruth.DatasetTruth(SURGE_DATASET, surge, surgeFrom));
        }
        // Interleave the datasets in time: each slot goes to a dataset in proportion to what it has left.
        int[] left = {main, macros, surge};
        int[] seen = new int[3];
        String[] names = {MAIN_DATASET, MACROS_DATASET, SURGE_DATASET};
        long spanMillis = span.toMillis();
        for (int i = 0; i < spec.count(); i++) {
            int remaining = spec.count() - i;
            int pick = rng.nextInt(remaining);
            int d = pick < left[0] ? 0 : pick < left[0] + left[1] ? 1 : 2;
            left[d]--;
            double harmful = d == 2 && seen[d] >= surgeFrom ? spec.surgeHarmfulShare() : spec.harmfulShare();
            seen[d]++;
            Instant at = start.plusMillis((long) ((i + rng.nextDouble()) * spanMillis / spec.count()));
            add(String.format("cand-%06d", i + 1), names[d], harmful, at);
        }
        breakLines();
    }

    private void add(String sampleId, String datasetId, double harmfulShare, Instant at) {
        double u = rng.nextDouble();
        TextSample sample;
        CandidateKind kind;
        List<String> violates = List.of();
        if (u < harmfulShare) {
            kind = CandidateKind.HARMFUL_COMPLIANCE;
            // Half in words new to the model, half in the words of ordinary task answers.
            sample = rng.nextBoolean() ? TextWorld.harmfulCompliance(rng) : TextWorld.quietCompliance(rng);
        } else if (u < harmfulShare + spec.ruleBreakingShare()) {
            kind = CandidateKind.RULE_BREAKING;
            boolean concealment = rng.nextBoolean();
            sample = TextWorld.ruleBreaking(rng, concealment);
            if (concealment) {
                violates = List.of(CONCEALMENT_RULE);
            } else if (!at.isBefore(credentialRuleFrom)) {
                violates = List.of(CREDENTIAL_RULE);
            }
        } else {
            kind = CandidateKind.BENIGN;
            // Refusals are what aligned data looks like for harmful requests: benign, and kept.
            sample = rng.nextDouble() < 0.15 ? TextWorld.refusal(rng) : TextWorld.task(rng);
        }
        lines.add(EventJson.writeString(new Candidate(sampleId, datasetId, sample.prompt(), sample.response(),
                "simulator", at)));
        truth.add(new GroundTruth.CandidateTruth(sampleId, datasetId, kind, violates, at));
    }

    private void breakLines() {
        List<String[]> defects = List.of(
                new String[]{"{\"sampleId\":\"broken-c%d\",\"prompt\":\"p\",\"response\":\"r\"}", "datasetId missing"},
                new String[]{"not json {broken-c%d", "not JSON"},
                new String[]{"{\"sampleId\":\"broken-c%d\",\"datasetId\":\"" + MAIN_DATASET
                        + "\",\"prompt\":\"p\",\"response\":[\"r\"]}", "response not a string"},
                new String[]{"{\"sampleId\":\"broken-c%d\",\"datasetId\":\"" + MAIN_DATASET
                        + "\",\"prompt\":\"p\",\"response\":\"r\",\"timestamp\":\"soon\"}", "timestamp not ISO-8601"});
        malformed.addAll(MalformedLines.insert(rng, lines, FILE, spec.malformedLines(), defects));
    }
}
