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
 * @param rates  one rate per agent used
 * @param source what they were measured on, for the report
 */
record InControlRates(double[] rates, String source) {

    static InControlRates of(AgentStreams streams, GroundTruth truth, int warmup) {
        Set<String> stable = truth == null || truth.agents() == null ? Set.of() : truth.agents().stream()
                .filter(a -> a.kind() == AgentKind.STABLE).map(GroundTruth.AgentTruth::agentId).collect(Collectors.toSet());
        List<Double> rates = new ArrayList<>();
        if (!stable.isEmpty()) {
            streams.byAgent.forEach((agent, steps) -> {
                if (stable.contains(agent) && !steps.isEmpty()) {
                    rates.add(share(steps, steps.size()));
                }
            });
        }
        if (!rates.isEmpty()) {
            return new InControlRates(toArray(rates), String.format(Locale.ROOT,
                    "violation rates of %d agents labelled STABLE in the truth, over all their events", rates.size()));
        }
        streams.byAgent.values().forEach(steps -> {
            if (steps.size() >= warmup && warmup > 0) {
                rates.add(share(steps, warmup));
            }
        });
        if (rates.isEmpty()) {
            throw new IllegalArgumentException("no agent has " + warmup + " events (the warm-up) to measure an in-control "
                    + "violation rate on; nothing to calibrate with");
        }
        return new InControlRates(toArray(rates), String.format(Locale.ROOT,
                "violation rates of %d agents over their first %d events (warm-up), in the input", rates.size(), warmup));
    }

    private static double share(List<AgentStreams.Step> steps, int first) {
        long violations = steps.subList(0, first).stream().filter(AgentStreams.Step::violation).count();
        return (double) violations / first;
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
