package dev.ballast.model.realign;

import dev.ballast.model.BuiltinLm;
import dev.ballast.model.lm.TextSample;
import java.util.ArrayList;
import java.util.List;

/**
 * What a re-alignment job is judged by, measured on held-out data before and after training.
 *
 * @param preferenceAccuracy share of held-out pairs (inverted and preserved) on which the model
 *                           gives the new policy's preferred response the higher length-normalised
 *                           log-probability
 * @param conflictAccuracy   the same on held-out inverted pairs alone (the conflicts); NaN without any
 * @param perplexity         per-token perplexity on held-out neutral responses (utility)
 */
public record PreferenceFigures(double preferenceAccuracy, double conflictAccuracy, double perplexity) {

    /** Measures {@code model} on the held-out part of {@code data}. */
    public static PreferenceFigures measure(BuiltinLm model, RealignData data) {
        double[] nll = SequenceLogProbs.totalNll(model, data.heldOutNeutral());
        return new PreferenceFigures(accuracy(model, data.heldOutPreferences()),
                accuracy(model, data.heldOutConflicts()), nll[1] == 0 ? Double.NaN : Math.exp(nll[0] / nll[1]));
    }

    /** Share of {@code pairs} whose preferred response the model finds likelier; NaN when empty. */
    static double accuracy(BuiltinLm model, List<PreferenceExample> pairs) {
        if (pairs.isEmpty()) {
            return Double.NaN;
        }
        float[][] margins = margins(model, pairs);
        int right = 0;
        for (int i = 0; i < pairs.size(); i++) {
            if (margins[0][i] > margins[1][i]) {
                right++;
            }
        }
        return right / (double) pairs.size();
    }

    /** Length-normalised log-probabilities of each pair's preferred [0] and dispreferred [1] response. */
    static float[][] margins(BuiltinLm model, List<PreferenceExample> pairs) {
        List<TextSample> preferred = new ArrayList<>(pairs.size());
        List<TextSample> dispreferred = new ArrayList<>(pairs.size());
        for (PreferenceExample p : pairs) {
            preferred.add(new TextSample(p.prompt(), p.preferred()));
            dispreferred.add(new TextSample(p.prompt(), p.dispreferred()));
        }
        return new float[][]{SequenceLogProbs.compute(model, preferred), SequenceLogProbs.compute(model, dispreferred)};
    }
}
