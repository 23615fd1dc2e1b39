package dev.ballast.model.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import dev.ballast.model.lm.EncodedBatch;
import dev.ballast.model.lm.LmConfig;
import dev.ballast.model.lm.TextSample;
import dev.ballast.model.lm.Vocabulary;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The corpus as a DJL dataset: one row per predicted response token (its context, its sample's
 * prompt and prompt weights; label: the token). Word tokens are replaced by {@code <unk>} at
 * {@link TrainingSettings#unknownRate()}, deterministically.
 */
public final class TrainingData {
    /** Ids below this are markers ({@code <pad>}, {@code <unk>}, ...) and never replaced. */
    private static final int FIRST_WORD = 6;

    private TrainingData() {
    }

    public static ArrayDataset build(List<TextSample> corpus, Vocabulary vocab, LmConfig config,
                                     TrainingSettings settings, NDManager manager) {
        SplittableRandom rng = new SplittableRandom(settings.seed() ^ 0x5DEECE66DL);
        int c = config.context();
        int p = config.maxPromptTokens();
        int rows = 0;
        EncodedBatch[] encoded = new EncodedBatch[corpus.size()];
        for (int i = 0; i < corpus.size(); i++) {
            encoded[i] = EncodedBatch.encode(List.of(corpus.get(i)), vocab, config);
            rows += encoded[i].lengths()[0];
        }
        long[] context = new long[rows * c];
        long[] prompts = new long[rows * p];
        float[] promptWeights = new float[rows * p];
        long[] labels = new long[rows];
        int row = 0;
        for (EncodedBatch e : encoded) {
            long[] prompt = e.promptIds().clone();
            drop(prompt, rng, settings.unknownRate());
            for (int pos = 0; pos < e.lengths()[0]; pos++, row++) {
                System.arraycopy(e.context(), pos * c, context, row * c, c);
                System.arraycopy(prompt, 0, prompts, row * p, p);
                System.arraycopy(e.promptWeights(), 0, promptWeights, row * p, p);
                labels[row] = e.targets()[pos];
            }
        }
        drop(context, rng, settings.unknownRate());
        drop(labels, rng, settings.unknownRate());
        return new ArrayDataset.Builder()
                .setData(manager.create(context, new Shape(rows, 1, c)), manager.create(prompts, new Shape(rows, p)),
                        manager.create(promptWeights, new Shape(rows, p)))
                .optLabels(manager.create(labels, new Shape(rows)))
                .setSampling(settings.batchSize(), true)
                .build();
    }

    private static void drop(long[] ids, SplittableRandom rng, double rate) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= FIRST_WORD && rng.nextDouble() < rate) {
                ids[i] = Vocabulary.UNK;
            }
        }
    }
}
