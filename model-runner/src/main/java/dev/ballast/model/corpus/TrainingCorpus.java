package dev.ballast.model.corpus;

import dev.ballast.model.lm.TextSample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The policy-compliant corpus the built-in model is trained on: helpful answers to ordinary tasks
 * and refusals of harmful requests, drawn from {@link TextWorld} with a fixed seed, so the same
 * build always trains the same model.
 */
public final class TrainingCorpus {
    /** Seed of the shipped corpus; part of the built-in model's version. */
    public static final long SEED = 20_261_124L;

    private TrainingCorpus() {
    }

    /** {@code size} samples, one in {@code refusalEvery} a refusal. */
    public static List<TextSample> generate(long seed, int size, int refusalEvery) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<TextSample> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(i % refusalEvery == refusalEvery - 1 ? TextWorld.refusal(rng) : TextWorld.task(rng));
        }
        return out;
    }
}
