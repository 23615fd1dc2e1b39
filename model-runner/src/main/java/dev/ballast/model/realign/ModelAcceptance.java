package dev.ballast.model.realign;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a re-alignment job's data can judge the model it trains, and whether that model may be
 * published: its held-out figures are numbers, its new-policy preference accuracy did not fall,
 * and its perplexity on held-out neutral text rose by no more than {@code maxPerplexityIncrease}.
 * A job whose model fails is FAILED with the reason, and the model in force stays in force: the
 * gate never scores with a model worse than the one before.
 */
public final class ModelAcceptance {
    private ModelAcceptance() {
    }

    /**
     * Why a model trained on {@code data} could not be judged, or empty when it could: without a
     * held-out pair that carries a preference there is no preference accuracy, and without held-out
     * neutral text no perplexity, so {@link #rejection} would see figures that are not numbers and
     * call it divergence. Checked before training, so such a job costs nothing and says what its
     * data lacks: a policy change that every pair conflicts with leaves no neutral text.
     *
     * @param policyVersions the versions the data was triaged against, for the message
     */
    public static Optional<String> unjudgeable(RealignData data, String policyVersions) {
        if (data.heldOutPreferences().isEmpty()) {
            return Optional.of("no held-out pair carries a preference under " + policyVersions + " (none of the "
                    + "pairs held out by pairId is INVERT or PRESERVE: too few pairs, or each a DISCARD, both "
                    + "responses breaking a rule), so the trained model's preference accuracy, checked before it is "
                    + "published, could not be measured; send more pairs, with responses the policy allows");
        }
        if (data.heldOutNeutral().isEmpty()) {
            int neutral = data.neutral().size();
            return Optional.of("no held-out neutral text under " + policyVersions + " (" + (neutral == 0
                    ? "no pair is PRESERVE with no rule broken on either side"
                    : "the " + neutral + " neutral pairs, PRESERVE with no rule broken on either side, all fell "
                    + "outside the held-out share") + "), so the trained model's perplexity, checked before it is "
                    + "published, could not be measured; send pairs that no rule of the new version touches "
                    + "beside the conflicting ones");
        }
        return Optional.empty();
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
