package dev.ballast.model.realign;

import dev.ballast.events.PreferencePair;
import dev.ballast.events.TriageDecision;
import java.util.List;
import java.util.Map;

/**
 * The data a job's selector names, as read from the topics when the job started: the decisions
 * for its policy version (one per pair) and the pairs by id. A command launcher ignores it and
 * reads the topics itself.
 */
public record JobData(List<TriageDecision> decisions, Map<String, PreferencePair> pairs) {
}
