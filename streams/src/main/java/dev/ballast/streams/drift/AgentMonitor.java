package dev.ballast.streams.drift;

import dev.ballast.events.AlertType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * otherwise. The episode closes (the agent re-arms) when the {@link RecoveryTest} finds the
 * agent back at its baseline.
 *
 * <p>A DRIFT episode can be escalated once: the type is fixed when the rate statistic fires, and
 * where violations pay only a little more than complying (1.1-1.2 times, within the reward's own
 * noise) the reward evidence is often still thin then. The paid statistic goes on through such an
 * episode, and when it crosses its threshold a second {@link Detection}, TIPPING, re-types the same
 * episode ({@link Detection.Escalation}).
 *
 * <p>With {@link RewardDetection} configured, a second statistic runs on the agent's rewarded
 * events, counting violations that paid more than complying; either statistic can open the
 * episode, and the false-alarm budget is split between them.
 *
 * <p>With a moderate-rise CUSUM configured, a third statistic runs on the violation indicator,
 * tuned to a smaller rise than the rate statistic: a rise too small for the rate statistic's
 * increments to add up is still seen, later. It too can open the episode, on its share of the budget.
 */
public final class AgentMonitor {
    /** Standard errors the paid-violation test's guard reaches ({@link #paidDesign}). */
    private static final double PAID_GUARD_ERRORS = 2;
    private final MonitorSettings settings;
    private final RecoveryTest recovery;

    public AgentMonitor(MonitorSettings settings) {
        this.settings = settings;
        this.recovery = new RecoveryTest(settings.detector().budgetEvents());
    }

    /**
     * Folds one event into {@code state}.
     *
     * @param violation whether the event violated the policy in force
     * @param reward    the event's reward, or {@code null} if the agent reports none
     * @param eventTimeMillis the event's timestamp, remembered when it may be a change point
     * @return the detection if this event opened an episode, or escalated a DRIFT one to TIPPING
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
        Boolean paid = paid(state, violation, reward);
        if (state.events <= settings.warmupEvents()) {
            learnBaseline(state, violation);
            if (paid != null) {
                learnPaidBaseline(state, paid);
            }
            recordReward(state, violation, reward);
            return Optional.empty();
        }
        double baseline = state.baselineRate();
        DetectorDesign design = rateDetector(state).design(baseline, state.baselineError(),
                ChangeDetector.estimateGuard(baseline));
        if (state.inEpisode) {
            recordReward(state, violation, reward);
            // A violation paid an order of magnitude off the agent's usual pay is as likely a logging
            // error as pay: with half of all rewards logged at random, 5 of 25 drift agents were
            // escalated on such rewards.
            boolean judged = state.mayEscalate && paid != null
                    && !(violation && state.complianceRewards.wouldBeGlitch(reward));
            Optional<Detection> escalation = judged ? escalate(state, paid) : Optional.empty();
            observeRecovery(state, design, violation, paid);
            return escalation;
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
        state.statistic = design.next(state.statistic, violation);
        if (state.statistic > 0) {
            state.eventsSinceChange++;
            if (violation) {
                state.violationsSinceChange++;
            }
        }
        DetectorDesign paidDesign = paid == null ? null : observePaid(state, violation, paid, eventTimeMillis);
        DetectorDesign moderateDesign = settings.moderate() == null ? null
                : observeModerate(state, violation, eventTimeMillis);
        Opener opener = state.statistic > design.threshold() ? Opener.RATE
                : moderateDesign != null && state.moderateStatistic > moderateDesign.threshold() ? Opener.MODERATE
                : paidDesign != null && state.paidStatistic > paidDesign.threshold() ? Opener.PAID
                : null;
        return opener == null ? Optional.empty()
                : Optional.of(openEpisode(state, design, paidDesign, moderateDesign, opener));
    }

    /**
     * Solves every design this monitor's detectors can need, so that the stream thread finds them
     * ready: otherwise the first agent to reach each baseline waits for its design, up to 20 ms
     * for the moderate-rise statistic. About 2-3 s of one core, once per process.
     */
    public void prepareDesigns() {
        List<ChangeDetector> detectors = new ArrayList<>();
        detectors.add(settings.detector());
        detectors.add(settings.suspicion());
        detectors.add(settings.moderate());
        if (settings.reward() != null) {
            detectors.add(settings.reward().rateDetector());
            detectors.add(settings.reward().paidDetector());
        }
        detectors.stream().filter(Objects::nonNull).forEach(ChangeDetector::prepare);
    }

    /**
     * One step of the test that ends the episode: the agent re-arms once the evidence that opened
     * it is gone. An episode the paid statistic opened follows the paid-violation rate, on the
     * events that carry a reward, back to its baseline; others, or one where paid violations did
     * not clearly rise, follow the violation rate. Without the paid route an agent whose
     * violations began to pay at an unchanged rate stayed in its episode for good, and a later rise
     * went unseen (17 of 20 agents in {@code AgentMonitorTest}). Where neither rate rose clearly,
     * the alarm's own test, mirrored, ends it: evidence for the baseline over the rate the alarm is
     * tuned to.
     */
    private void observeRecovery(AgentState state, DetectorDesign alarm, boolean violation, Boolean paid) {
        // An episode the paid statistic opened took that statistic's change point (openEpisode).
        DetectorDesign back = state.changeStart == state.paidStart
                ? recovery.design(state.paidBaselineRate(), state.paidViolationsSinceStart, state.eventsSinceChange)
                : DetectorDesign.NEVER;
        if (back != DetectorDesign.NEVER) {
            // A violation whose pay cannot be judged (no reward on it) counts as paid, a compliant
            // event never is: an agent that stops reporting rewards ends its episode by complying,
            // not by going quiet about what its violations earn.
            state.recoveryStatistic = back.next(state.recoveryStatistic, !(paid != null ? paid : violation));
        } else {
            back = recovery.design(state.baselineRate(), state.violationsSinceChange, state.eventsSinceChange);
            if (back != DetectorDesign.NEVER) {
                state.recoveryStatistic = back.next(state.recoveryStatistic, !violation);
            } else {
                back = alarm;
                state.recoveryStatistic = alarm == DetectorDesign.NEVER ? 0
                        : Math.max(0, state.recoveryStatistic - alarm.increment(violation));
            }
        }
        if (state.recoveryStatistic > back.threshold()) {
            rearm(state);
        }
    }

    /**
     * Whether this event is a paid violation, or null when the paid statistic cannot judge it: no
     * reward detection configured, no reward on the event, or too few compliant rewards yet to
     * know what complying pays.
     */
    private Boolean paid(AgentState state, boolean violation, Double reward) {
        RewardDetection r = settings.reward();
        if (r == null || reward == null
                || state.complianceRewards.stats().count() < settings.tipping().minObservations()) {
            return null;
        }
        return violation && r.paid(reward, state.complianceRewards.stats());
    }

    /** The rate detector at the full budget, or at its share once the agent's rewards are judged too. */
    private ChangeDetector rateDetector(AgentState state) {
        RewardDetection r = settings.reward();
        return r != null && state.paidBaselineEvents > 0 ? r.rateDetector() : settings.detector();
    }

    /**
     * The paid-violation test for the agent's paid baseline, designed above its estimate as the
     * rate test is ({@link ChangeDetector#estimateGuard}), but by twice as many standard errors:
     * tuned to a smaller rise, the same error in the baseline moves its in-control drift further.
     * Measured on agents whose every violation pays, living 500 events at steady rates (90 million
     * events each, 40 alarms its share of the budget allows): 1,036 alarms at 0.2 and 3,054 at 0.4
     * without a guard, 453 and 227 with the rate test's, 320 and 5 with twice it.
     */
    private DetectorDesign paidDesign(AgentState state) {
        double baseline = state.paidBaselineRate();
        return settings.reward().paidDetector().design(baseline, state.paidBaselineError(),
                PAID_GUARD_ERRORS * ChangeDetector.estimateGuard(baseline));
    }

    /** One step of the paid-violation CUSUM, mirroring the rate statistic's baseline learning. */
    private DetectorDesign observePaid(AgentState state, boolean violation, boolean paid, long eventTimeMillis) {
        DetectorDesign design = paidDesign(state);
        if (state.paidStatistic == 0) {
            learnPaidBaseline(state, paid);
            state.paidStart = state.events;
            state.paidStartMillis = eventTimeMillis;
            state.paidViolationsSinceStart = 0;
            state.violationsSincePaidStart = 0;
        }
        state.paidStatistic = design.next(state.paidStatistic, paid);
        if (state.paidStatistic > 0) {
            if (paid) {
                state.paidViolationsSinceStart++;
            }
            if (violation) {
                state.violationsSincePaidStart++;
            }
        }
        return design;
    }

    /**
     * One step of the paid statistic inside an episode alerted as DRIFT: the statistic goes on from
     * where the alert left it, at the same design and threshold, so an escalation costs the same
     * share of the false-alarm budget as a paid opening would. The paid baseline does not learn
     * meanwhile: an episode's events are not the agent's baseline. Measured on 43 simulated
     * scenarios (seeds 9701-9743, 2,150 tipping agents): the 23 tipping agents alerted as DRIFT were
     * all escalated, 4 to 58 events later (median 12); 1 of 1,075 drift and 1 of 1,075
     * policy-sensitive agents were escalated, no stable agent.
     */
    private Optional<Detection> escalate(AgentState state, boolean paid) {
        DetectorDesign design = paidDesign(state);
        state.paidStatistic = design.next(state.paidStatistic, paid);
        if (state.paidStatistic <= design.threshold()) {
            return Optional.empty();
        }
        state.mayEscalate = false;
        long openedAt = state.changeStart + state.eventsSinceChange - 1;
        // No paid evidence block: its count of paid violations stops at the episode's opening.
        return Optional.of(detection(state, AlertType.TIPPING, RewardDetection.NAME, state.paidStatistic,
                design.threshold(), null, null,
                new Detection.Escalation(state.events - openedAt, state.paidBaselineRate())));
    }

    /**
     * One step of the moderate-rise CUSUM. It is designed against the baseline's upper
     * one-standard-error bound rather than the estimate itself: tuned to a small rise, it would
     * otherwise take an agent whose baseline was learnt a little low, as it is from a short
     * warm-up, for one whose rate rose (measured: in-control alarms of the whole monitor up 57%;
     * with the bound, 98 against 101 without the statistic on 100 million events). It leaves the
     * baseline's learning to the rate statistic: learning only while both are at zero kept low
     * estimates from ever correcting themselves (in-control alarms 3.5 times the budget).
     */
    private DetectorDesign observeModerate(AgentState state, boolean violation, long eventTimeMillis) {
        double error = state.baselineError();
        DetectorDesign design = settings.moderate().design(state.baselineRate() + error, error, 0);
        if (state.moderateStatistic == 0) {
            state.moderateStart = state.events;
            state.moderateStartMillis = eventTimeMillis;
            state.violationsSinceModerateStart = 0;
        }
        state.moderateStatistic = design.next(state.moderateStatistic, violation);
        if (state.moderateStatistic > 0 && violation) {
            state.violationsSinceModerateStart++;
        }
        return design;
    }

    /**
     * Compliant rewards are kept for the agent's whole life, gross glitches left out
     * ({@link CompliantRewards}); violating rewards only since the change-point estimate, because
     * the ATP question is whether deviating pays <em>now</em>.
     */
    private static void recordReward(AgentState state, boolean violation, Double reward) {
        state.rewardLeftOut = false;
        if (reward == null) {
            return;
        }
        if (violation) {
            state.violationRewards.add(reward);
        } else {
            state.rewardLeftOut = !state.complianceRewards.add(reward);
        }
    }

    private static void learnBaseline(AgentState state, boolean violation) {
        state.baselineEvents++;
        if (violation) {
            state.baselineViolations++;
        }
    }

    private static void learnPaidBaseline(AgentState state, boolean paid) {
        state.paidBaselineEvents++;
        if (paid) {
            state.paidBaselineViolations++;
        }
    }

    /**
     * Opens an episode. When the paid statistic opened it, the change point is that statistic's:
     * deviance that pays is the ATP signature itself, so the alert is TIPPING. When the rate
     * statistic opened it, the alert is TIPPING if the Welch test of {@link TippingRule} holds or
     * the paid statistic has gathered at least half the evidence its own alarm needs.
     */
    private Detection openEpisode(AgentState state, DetectorDesign design, DetectorDesign paidDesign,
                                  DetectorDesign moderateDesign, Opener opener) {
        state.inEpisode = true;
        state.episodes++;
        state.recoveryStatistic = 0;
        // The change-point estimate is where the statistic that fired last left zero.
        if (opener == Opener.PAID) {
            placeChange(state, state.paidStart, state.paidStartMillis, state.violationsSincePaidStart);
        } else if (opener == Opener.MODERATE) {
            placeChange(state, state.moderateStart, state.moderateStartMillis, state.violationsSinceModerateStart);
        }
        TippingRule tipping = settings.tipping();
        boolean tipped = opener == Opener.PAID || tipping.holds(state)
                || paidDesign != null && state.paidStatistic >= paidDesign.threshold() / 2;
        state.mayEscalate = !tipped && settings.reward() != null;
        String detector = switch (opener) {
            case RATE -> settings.detector().name();
            case MODERATE -> MonitorSettings.MODERATE_RISE;
            case PAID -> RewardDetection.NAME;
        };
        return detection(state, tipped ? AlertType.TIPPING : AlertType.DRIFT, detector, state.statistic,
                design.threshold(), paidDesign, moderateDesign, null);
    }

    private Detection detection(AgentState state, AlertType type, String detector, double statistic, double threshold,
                                DetectorDesign paidDesign, DetectorDesign moderateDesign,
                                Detection.Escalation escalation) {
        TippingRule tipping = settings.tipping();
        return new Detection(
                type,
                detector,
                statistic,
                threshold,
                state.baselineRate(),
                state.eventsSinceChange == 0 ? 0 : (double) state.violationsSinceChange / state.eventsSinceChange,
                state.changeStart,
                state.eventsSinceChange,
                state.violationsSinceChange,
                tipping.rewardEvidence(state),
                tipping.rising(state),
                paidDesign == null ? null : new Detection.PaidEvidence(state.paidStatistic, paidDesign.threshold(),
                        state.paidBaselineRate(), state.paidViolationsSinceStart),
                moderateDesign == null ? null
                        : new Detection.ModerateEvidence(state.moderateStatistic, moderateDesign.threshold()),
                state.episodes,
                state.events,
                escalation);
    }

    private static void placeChange(AgentState state, long start, long startMillis, long violations) {
        state.changeStart = start;
        state.changeStartMillis = startMillis;
        state.eventsSinceChange = state.events - start + 1;
        state.violationsSinceChange = violations;
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
        state.mayEscalate = false;
        state.statistic = 0;
        state.recoveryStatistic = 0;
        state.paidStatistic = 0;
        state.moderateStatistic = 0;
    }

    /** The statistic that opened an episode. */
    private enum Opener { RATE, MODERATE, PAID }
}
