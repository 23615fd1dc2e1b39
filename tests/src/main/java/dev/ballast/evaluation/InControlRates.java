package dev.ballast.evaluation;

import dev.ballast.streams.sim.AgentKind;
import dev.ballast.streams.sim.GroundTruth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Baseline violation rates for calibration, taken from in-control stretches of the evaluated
 * input itself, never from a rate the truth states (users do not know their agents' rates): all
 * events of agents the truth labels STABLE when it labels any, otherwise each agent's warm-up
 * events, the stretch the monitor itself learns its baseline from.
 *
 * @param segments the in-control events of each agent used, rewards included
 * @param source   what they were measured on, for the report
 */
record InControlRates(List<List<AgentStreams.Step>> segments, String source) {

    static InControlRates of(AgentStreams streams, GroundTruth truth, int warmup) {
        Set<String> stable = truth == null || truth.agents() == null ? Set.of() : truth.agents().stream()
                .filter(a -> a.kind() == AgentKind.STABLE).map(GroundTruth.AgentTruth::agentId).collect(Collectors.toSet());
        List<List<AgentStreams.Step>> segments = new ArrayList<>();
        if (!stable.isEmpty()) {
            streams.byAgent.forEach((agent, steps) -> {
                if (stable.contains(agent) && !steps.isEmpty()) {
                    segments.add(steps);
                }
            });
        }
        if (!segments.isEmpty()) {
            return new InControlRates(segments, String.format(Locale.ROOT,
                    "violation rates of %d agents labelled STABLE in the truth, over all their events", segments.size()));
        }
        streams.byAgent.values().forEach(steps -> {
            if (steps.size() >= warmup && warmup > 0) {
                segments.add(steps.subList(0, warmup));
            }
        });
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("no agent has " + warmup + " events (the warm-up) to measure an in-control "
                    + "violation rate on; nothing to calibrate with");
        }
        return new InControlRates(segments, String.format(Locale.ROOT,
                "violation rates of %d agents over their first %d events (warm-up), in the input", segments.size(), warmup));
    }

    /** One violation rate per agent used. */
    double[] rates() {
        return segments.stream()
                .mapToDouble(steps -> (double) steps.stream().filter(AgentStreams.Step::violation).count() / steps.size())
                .toArray();
    }
}
