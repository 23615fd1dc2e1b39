package dev.ballast.streams.diffusion;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * What the per-agent monitor tells the group monitor about one interaction of a grouped agent,
 * keyed by groupId on an internal topic.
 *
 * @param deviant        the agent is a suspected or alerted deviant after this event
 * @param violated       this interaction broke a rule in force (null in signals written before it was sent)
 * @param turnedAt       change-point estimate: when the agent probably started deviating
 * @param observedAgents peers whose decisions the agent saw before this interaction
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GroupSignal(String groupId, String agentId, String eventId, Instant timestamp, boolean deviant,
                          Boolean violated, Instant turnedAt, List<String> observedAgents, String policyVersion) implements GroupFeed {
    /** The order the group monitor judges signals in: event time, then agentId. */
    public static final Comparator<GroupSignal> EVENT_TIME_ORDER =
            Comparator.comparing(GroupSignal::timestamp).thenComparing(GroupSignal::agentId);
}
