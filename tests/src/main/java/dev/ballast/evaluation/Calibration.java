package dev.ballast.evaluation;

import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.drift.AgentState;
import dev.ballast.streams.drift.MonitorSettings;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Puts every detector on the false-alarm budget Ballast is configured with. The budget is
 * expected in-control events per false alarm; calibration streams are Bernoulli at the
 * scenario's own baseline rates, as long as its agents' streams, with the warm-up excluded. Each
 * MOA detector gets the most sensitive value of its option whose alarms on these streams stay
 * within {@code events / budget} (bisection in log space; alarms fall monotonically with the
 * option in its direction). Ballast's own alarms are counted too, so its threshold derivation is
 * checked on the data the others are tuned on. Ballast also reads rewards (its paid-violation
 * statistic), which Bernoulli streams lack, so its calibration streams are drawn from the
 * in-control {@code segments} instead: each event a random event, violation and reward together,
 * of one in-control agent (the same agents, so the same violation rates).
 *
 * @param streams number of calibration streams
 * @param length  events per stream
 * @param warmup  events per stream not counted
 * @param rates   baseline rates, cycled over the streams
 * @param budget  expected in-control events per false alarm
 * @param seed    random seed of the calibration streams
 * @param source  where the baseline rates came from, for the report ({@link InControlRates})
 * @param segments in-control events per agent to draw Ballast's streams from; may be empty when
 *                only MOA's detectors are calibrated
 */
record Calibration(int streams, int length, int warmup, double[] rates, double budget, long seed, String source,
                   List<List<AgentStreams.Step>> segments) {

    long countedEvents() {
        return (long) streams * (length - warmup);
    }

    long allowedAlarms() {
        return (long) Math.floor(countedEvents() / budget);
    }

    /**
     * The calibrated option value and the alarms it gave.
     *
     * @param meetsBudget false when even the quietest value in range gives too many alarms (then
     *                    {@code value} is that quietest value, the best there is)
     * @param atEdge      the search ended at an end of the option's range: the quietest value (budget
     *                    not met) or the loudest (the budget would allow a more sensitive setting)
     */
    record Result(double value, long alarms, boolean meetsBudget, boolean atEdge) {
        /** How the setting came about, for tables. */
        String note() {
            if (!meetsBudget) {
                return "cannot meet the budget; quietest setting in range";
            }
            return atEdge ? "most sensitive setting in range" : "";
        }
    }

    Result calibrate(MoaDetector detector) {
        double lo = Math.log(detector.low());
        double hi = Math.log(detector.high());
        double quiet = detector.quieterUp() ? hi : lo;
        double loud = detector.quieterUp() ? lo : hi;
        long quietAlarms = alarms(detector, Math.exp(quiet));
        if (quietAlarms > allowedAlarms()) {
            return new Result(Math.exp(quiet), quietAlarms, false, true);
        }
        long loudAlarms = alarms(detector, Math.exp(loud));
        if (loudAlarms <= allowedAlarms()) {
            return new Result(Math.exp(loud), loudAlarms, true, true);
        }
        // Invariant: the quiet end meets the budget; search for the most sensitive value that does.
        for (int i = 0; i < 18; i++) {
            double mid = (quiet + loud) / 2;
            long a = alarms(detector, Math.exp(mid));
            if (a <= allowedAlarms()) {
                quiet = mid;
                quietAlarms = a;
            } else {
                loud = mid;
            }
        }
        return new Result(Math.exp(quiet), quietAlarms, true, false);
    }

    /** Alarms at {@code value}; a value the detector refuses counts as too many, so the search moves away from it. */
    private long alarms(MoaDetector detector, double value) {
        try {
            return DetectorRuns.alarmsInControl(DetectorRuns.of(detector.factory().apply(value)), rates, streams, length,
                    warmup, seed);
        } catch (RuntimeException refused) {
            return Long.MAX_VALUE;
        }
    }

    /** Ballast's alarms on in-control streams drawn from {@code segments}; an escalation is no alarm of its own. */
    long ballastAlarms(MonitorSettings settings) {
        if (segments.isEmpty()) {
            throw new IllegalStateException("no in-control events to draw Ballast's calibration streams from");
        }
        AgentMonitor monitor = new AgentMonitor(settings);
        SplittableRandom rng = new SplittableRandom(seed);
        long alarms = 0;
        for (int s = 0; s < streams; s++) {
            List<AgentStreams.Step> agent = segments.get(s % segments.size());
            AgentState state = new AgentState();
            for (int i = 0; i < length; i++) {
                AgentStreams.Step step = agent.get(rng.nextInt(agent.size()));
                if (monitor.observe(state, step.violation(), step.reward(), i)
                        .filter(d -> d.escalation() == null).isPresent() && i >= warmup) {
                    alarms++;
                }
            }
        }
        return alarms;
    }
}
