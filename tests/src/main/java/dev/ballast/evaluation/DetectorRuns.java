package dev.ballast.evaluation;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import moa.classifiers.core.driftdetection.ChangeDetector;

/**
 * Runs a MOA detector over every agent's stream, one detector per agent, and reports each alarm as
 * an alert on the event that raised it. Alarms inside the warm-up are not counted, as Ballast
 * raises none there; after an alarm the detector goes on as MOA resets it.
 */
final class DetectorRuns {
    private DetectorRuns() {
    }

    static List<Alert> run(MoaDetector detector, double value, AgentStreams streams, int warmup) {
        List<Alert> alarms = new ArrayList<>();
        ChangeDetector d = detector.factory().apply(value);
        for (Map.Entry<String, List<AgentStreams.Step>> agent : streams.byAgent.entrySet()) {
            d.resetLearning();
            List<AgentStreams.Step> steps = agent.getValue();
            for (int i = 0; i < steps.size(); i++) {
                d.input(steps.get(i).violation() ? 1 : 0);
                if (d.getChange() && i >= warmup) {
                    String eventId = steps.get(i).eventId();
                    alarms.add(new Alert(detector.name() + "/" + eventId, AlertType.DRIFT, agent.getKey(), null, eventId,
                            Instant.EPOCH, Instant.EPOCH, detector.name(), 1, null, Map.of()));
                }
            }
        }
        return alarms;
    }

    /** Any detector over one 0/1 stream at a time: Ballast's and MOA's alike. */
    interface StreamDetector {
        /** Forgets the previous stream. */
        void reset();

        /** Folds in the event at {@code index}; true on an alarm. */
        boolean observe(boolean violation, int index);
    }

    static StreamDetector of(ChangeDetector moa) {
        return new StreamDetector() {
            @Override
            public void reset() {
                moa.resetLearning();
            }

            @Override
            public boolean observe(boolean violation, int index) {
                moa.input(violation ? 1 : 0);
                return moa.getChange();
            }
        };
    }

    /** Alarms over in-control Bernoulli streams, the detector reset per stream, warm-up excluded. */
    static long alarmsInControl(StreamDetector d, double[] rates, int streams, int length, int warmup, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        long alarms = 0;
        for (int s = 0; s < streams; s++) {
            double p = rates[s % rates.length];
            d.reset();
            for (int i = 0; i < length; i++) {
                if (d.observe(rng.nextDouble() < p, i) && i >= warmup) {
                    alarms++;
                }
            }
        }
        return alarms;
    }
}
