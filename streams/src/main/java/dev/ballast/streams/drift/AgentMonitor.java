package dev.ballast.streams.drift;

import dev.ballast.events.AlertType;
import java.util.Optional;

/**
 * Per-agent drift and tipping detection, one event at a time. No Kafka types: the stream
 * processor loads an {@link AgentState}, calls {@link #observe}, and stores the state back.
 *
 * <p>Life of an agent: the first {@code warmupEvents} events form its baseline; after that the
 * detector statistic runs on each violation indicator and the baseline keeps learning from events
 * that arrive while the statistic is at zero (no evidence of change, and independent of the event
 * itself, so the estimate stays unbiased). When the statistic crosses the threshold an episode
 * opens and exactly one {@link Detection} is returned: TIPPING if the ATP signature holds, DRIFT
 * otherwise. The episode closes (the agent re-arms) when a mirror statistic, accumulating
 * evidence for the baseline over the shifted rate, crosses the same threshold.
 */
public final class AgentMonitor {
    private final MonitorSettings settings;

    public AgentMonitor(MonitorSettings settings) {
        this.settings = settings;
    }

    /**
     * Folds one event into {@code state}.
     *
     * @param violation whether the event violated the policy in force
     * @param reward    the event's reward, or {@code null} if the agent reports none
     * @param eventTimeMillis the event's timestamp, remembered when it may be a change point
     * @return the detection if this event opened an episode
     */
    public Optional<Detection> observe(AgentState state, boolean violation, Double reward, long eventTimeMillis) {
        state.events++;
        double x = violation ? 1 : 0;
        if (state.events == 1) {
            state.fastRate = x;
            state.slowRate = x;
        } else {
            state.fastRate += settings.fastAlpha() * (x - state.fastRate);
            state.slowRate += settings.slowAlpha() * (x - state.slowRate);
        }
        if (state.events <= settings.warmupEvents()) {
            learnBaseline(state, violation);
            recordReward(state, violation, reward);
            return Optional.empty();
        }
        DetectorDesign design = settings.detector().design(state.baselineRate());
        double step = design.increment(violation);
        if (state.inEpisode) {
            recordReward(state, violation, reward);
            state.recoveryStatistic = Math.max(0, state.recoveryStatistic - step);
            if (state.recoveryStatistic > design.threshold()) {
                rearm(state);
            }
            return Optional.empty();
        }
        if (state.statistic == 0) {
            learnBaseline(state, violation);
            state.changeStart = state.events;
            state.changeStartMillis = eventTimeMillis;
            state.eventsSinceChange = 0;
            state.violationsSinceChange = 0;
            state.violationRewards.reset();
        }
        recordReward(state, violation, reward);
        state.statistic = Math.max(0, state.statistic + step);
        if (state.statistic == 0) {
            return Optional.empty();
        }
        state.eventsSinceChange++;
        if (violation) {
            state.violationsSinceChange++;
        }
        if (state.statistic <= design.threshold()) {
            return Optional.empty();
        }
        return Optional.of(openEpisode(state, design));
    }

    /**
     * Compliant rewards are kept for the agent's whole life; violating rewards only since the
     * change-point estimate, because the ATP question is whether deviating pays <em>now</em>.
     */
    private static void recordReward(AgentState state, boolean violation, Double reward) {
        if (reward != null) {
            (violation ? state.violationRewards : state.complianceRewards).add(reward);
        }
    }

    private static void learnBaseline(AgentState state, boolean violation) {
        state.baselineEvents++;
        if (violation) {
            state.baselineViolations++;
        }
    }

    private Detection openEpisode(AgentState state, DetectorDesign design) {
        state.inEpisode = true;
        state.episodes++;
        state.recoveryStatistic = 0;
        TippingRule tipping = settings.tipping();
        boolean tipped = tipping.holds(state);
        return new Detection(
                tipped ? AlertType.TIPPING : AlertType.DRIFT,
                settings.detector().name(),
                state.statistic,
                design.threshold(),
                state.baselineRate(),
                state.eventsSinceChange == 0 ? 0 : (double) state.violationsSinceChange / state.eventsSinceChange,
                state.changeStart,
                state.eventsSinceChange,
                state.violationsSinceChange,
                tipping.rewardEvidence(state),
                tipping.rising(state),
                state.episodes,
                state.events);
    }

    /**
     * Whether the agent looks deviant at a lower evidence level than an alert needs: in an
     * episode, or its statistic above the threshold of the (smaller) suspicion budget. Group-level
     * diffusion detection uses this to see agents turn before their own alerts fire.
     */
    public boolean suspected(AgentState state) {
        if (state.inEpisode) {
            return true;
        }
        if (state.events <= settings.warmupEvents() || state.statistic == 0) {
            return false;
        }
        return state.statistic > settings.suspicion().design(state.baselineRate()).threshold();
    }

    private static void rearm(AgentState state) {
        state.inEpisode = false;
        state.statistic = 0;
        state.recoveryStatistic = 0;
    }
}
