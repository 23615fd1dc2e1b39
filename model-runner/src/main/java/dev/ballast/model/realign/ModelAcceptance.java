package dev.ballast.model.realign;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a re-aligned model may be published: its held-out figures are numbers, its new-policy
 * preference accuracy did not fall, and its perplexity on held-out neutral text rose by no more
 * than {@code maxPerplexityIncrease}. A job whose model fails is FAILED with the reason, and the
 * model in force stays in force: the gate never scores with a model worse than the one before.
 */
public final class ModelAcceptance {
    private ModelAcceptance() {
    }

    /** Why {@code after} must not replace {@code before}, or empty when it may. */
    public static Optional<String> rejection(PreferenceFigures before, PreferenceFigures after,
                                             double maxPerplexityIncrease) {
        if (!Double.isFinite(after.preferenceAccuracy()) || !Double.isFinite(after.perplexity())) {
            return Optional.of("the trained model's held-out figures are not numbers (training diverged)");
        }
        if (after.preferenceAccuracy() < before.preferenceAccuracy()) {
            return Optional.of(String.format(Locale.ROOT,
                    "held-out preference accuracy fell from %.3f to %.3f", before.preferenceAccuracy(),
                    after.preferenceAccuracy()));
        }
        if (after.perplexity() > before.perplexity() * (1 + maxPerplexityIncrease)) {
            return Optional.of(String.format(Locale.ROOT,
                    "held-out perplexity rose from %.4f to %.4f, more than the %.0f%% allowed "
                            + "(realign.max.perplexity.increase)", before.perplexity(), after.perplexity(),
                    100 * maxPerplexityIncrease));
        }
        return Optional.empty();
    }
}
