package dev.ballast.model.realign;

import dev.ballast.model.lm.TextSample;
import java.util.List;

/**
 * A re-alignment job's data, split into what it trains on and what it is judged on.
 *
 * @param preferences         DPO term: inverted pairs (swapped) and preserved pairs
 * @param unlearn             bounded unlearning term: discarded pairs' chosen responses
 * @param neutral             KL anchor: responses of preserved pairs that break no rule on either side
 * @param heldOutPreferences  the new policy's preferences on held-out pairs (inverted and preserved)
 * @param heldOutConflicts    the held-out inverted pairs alone (swapped), for the figure on conflicts
 * @param heldOutNeutral      held-out neutral responses, for perplexity (utility)
 */
public record RealignData(List<PreferenceExample> preferences, List<UnlearnExample> unlearn, List<TextSample> neutral,
                          List<PreferenceExample> heldOutPreferences, List<PreferenceExample> heldOutConflicts,
                          List<TextSample> heldOutNeutral) {
}
