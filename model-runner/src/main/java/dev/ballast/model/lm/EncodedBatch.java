package dev.ballast.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Samples laid out for one forward pass: {@code B} samples by {@code T} response positions (the
 * longest response in the batch plus its end marker; shorter ones padded with zero weight).
 * Position {@code t} of sample {@code b} predicts response token {@code t} from the
 * {@code context} tokens before it and from the sample's pooled prompt.
 *
 * @param context       [B*T*C] token ids preceding each position
 * @param targets       [B*T] token id to predict at each position
 * @param weights       [B*T] 1/length of the sample's response at real positions, 0 at padding,
 *                      so a sample's weighted NLL sum is its mean token NLL
 * @param promptIds     [B*P] prompt token ids
 * @param promptWeights [B*P] 1/prompt length at real tokens, 0 at padding (mean pooling)
 * @param lengths       scored response tokens per sample (end marker included)
 */
public record EncodedBatch(int samples, int positions, int contextSize, int promptSize, long[] context,
                           long[] targets, float[] weights, long[] promptIds, float[] promptWeights, int[] lengths) {

    /** Positions {@code sample} needs: its response tokens, cut at the limit, plus the end marker. */
    public static int positions(TextSample sample, Vocabulary vocab, LmConfig config) {
        return Math.min(vocab.encode(sample.response()).length, config.maxResponseTokens()) + 1;
    }

    /** Encodes {@code samples}; prompts and responses past the configured limits are cut. */
    public static EncodedBatch encode(List<TextSample> samples, Vocabulary vocab, LmConfig config) {
        return encode(samples, vocab, config, 1);
    }

    /**
     * Encodes {@code samples} with at least {@code minPositions} positions per sample (padding
     * beyond the longest response), so that a caller can fix the layout a sample is computed in.
     */
    public static EncodedBatch encode(List<TextSample> samples, Vocabulary vocab, LmConfig config, int minPositions) {
        int b = samples.size();
        int[][] responses = new int[b][];
        int[][] prompts = new int[b][];
        int t = Math.max(1, minPositions);
        for (int i = 0; i < b; i++) {
            int[] r = vocab.encode(samples.get(i).response());
            int keep = Math.min(r.length, config.maxResponseTokens());
            int[] withEnd = java.util.Arrays.copyOf(r, keep + 1);
            withEnd[keep] = Vocabulary.EOS;
            responses[i] = withEnd;
            int[] p = vocab.encode(samples.get(i).prompt());
            prompts[i] = java.util.Arrays.copyOf(p, Math.min(p.length, config.maxPromptTokens()));
            t = Math.max(t, withEnd.length);
        }
        int c = config.context();
        int pSize = config.maxPromptTokens();
        long[] context = new long[b * t * c];
        long[] targets = new long[b * t];
        float[] weights = new float[b * t];
        long[] promptIds = new long[b * pSize];
        float[] promptWeights = new float[b * pSize];
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            int[] prompt = prompts[i];
            for (int j = 0; j < prompt.length; j++) {
                promptIds[i * pSize + j] = prompt[j];
                promptWeights[i * pSize + j] = 1f / prompt.length;
            }
            // The sequence a prediction looks back on: <bos> prompt <sep> response.
            int[] seq = new int[prompt.length + 2 + responses[i].length];
            seq[0] = Vocabulary.BOS;
            System.arraycopy(prompt, 0, seq, 1, prompt.length);
            seq[prompt.length + 1] = Vocabulary.SEP;
            System.arraycopy(responses[i], 0, seq, prompt.length + 2, responses[i].length);
            int first = prompt.length + 2;
            lengths[i] = responses[i].length;
            for (int pos = 0; pos < responses[i].length; pos++) {
                int row = i * t + pos;
                int at = first + pos;
                for (int k = 0; k < c; k++) {
                    int src = at - c + k;
                    context[row * c + k] = src >= 0 ? seq[src] : Vocabulary.PAD;
                }
                targets[row] = seq[at];
                weights[row] = 1f / responses[i].length;
            }
        }
        return new EncodedBatch(b, t, c, pSize, context, targets, weights, promptIds, promptWeights, lengths);
    }

    /** The model's inputs: context [B,T,C], prompt ids [B,P], prompt weights [B,P]. */
    public NDList inputs(NDManager manager) {
        return new NDList(manager.create(context, new Shape(samples, positions, contextSize)),
                manager.create(promptIds, new Shape(samples, promptSize)),
                manager.create(promptWeights, new Shape(samples, promptSize)));
    }

    public NDArray targets(NDManager manager) {
        return manager.create(targets, new Shape((long) samples * positions));
    }

    public NDArray weights(NDManager manager) {
        return manager.create(weights, new Shape((long) samples * positions));
    }
}
