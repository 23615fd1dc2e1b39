package dev.ballast.streams.eval;

import dev.ballast.events.Alert;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import dev.ballast.events.Policy;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.drift.AgentState;
import dev.ballast.streams.diffusion.DiffusionSettings;
import dev.ballast.streams.diffusion.GroupMonitor;
import dev.ballast.streams.diffusion.GroupSignal;
import dev.ballast.streams.diffusion.InMemoryGroupStore;
import dev.ballast.streams.monitor.InteractionMonitor;
import dev.ballast.streams.policy.CompiledPolicy;
import dev.ballast.streams.policy.PolicyCompiler;
import dev.ballast.streams.policy.PolicyEngine;
import dev.ballast.streams.policy.PolicyLimits;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the monitor's pure logic (agents, then groups) over JSONL lines in one thread, without Kafka: the reference the
 * streaming pipeline must agree with, and a fast way to score detector settings.
 */
public final class OfflineRun {
    private OfflineRun() {
    }

    /** Every valid policy version among {@code policyLines}; invalid ones are skipped, as intake would. */
    public static PolicyEngine policies(List<String> policyLines) {
        PolicyEngine engine = new PolicyEngine();
        PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULT);
        for (String line : policyLines) {
            if (EventJson.readPolicy(line.getBytes(StandardCharsets.UTF_8)) instanceof Decoded.Ok<Policy> p
                    && compiler.compile(p.value()) instanceof Decoded.Ok<CompiledPolicy> c) {
                engine.add(c.value());
            }
        }
        return engine;
    }

    /** Alerts raised, and where each event sits in its agent's stream. */
    public record Result(List<Alert> alerts, EventPositions positions) {
    }

    public static Result run(List<String> policyLines, List<String> interactionLines, AgentMonitor monitor,
                             DiffusionSettings diffusion) {
        PolicyEngine engine = policies(policyLines);
        InteractionMonitor interactions = new InteractionMonitor(engine, monitor, Clock.systemUTC());
        GroupMonitor groups = new GroupMonitor(diffusion, Clock.systemUTC());
        InMemoryGroupStore groupStore = new InMemoryGroupStore();
        Map<String, AgentState> states = new HashMap<>();
        EventPositions positions = new EventPositions();
        List<Alert> alerts = new ArrayList<>();
        List<GroupSignal> signals = new ArrayList<>();
        for (String line : interactionLines) {
            if (EventJson.readInteraction(line.getBytes(StandardCharsets.UTF_8)) instanceof Decoded.Ok<Interaction> ok) {
                Interaction i = ok.value();
                // As in the pipeline, a re-sent interaction is judged once: positions tell it apart.
                if (!positions.add(i.agentId(), i.eventId(), i.timestamp().toEpochMilli())) {
                    continue;
                }
                InteractionMonitor.Outcome outcome = interactions.observe(i,
                        states.computeIfAbsent(i.agentId(), a -> new AgentState()));
                outcome.alert().ifPresent(alerts::add);
                outcome.groupSignal().ifPresent(signals::add);
            }
        }
        // The pipeline's group monitor judges signals in event-time order, agentId breaking ties
        // and each agent's own order kept (a stable sort); so does the reference.
        signals.sort(GroupSignal.EVENT_TIME_ORDER);
        signals.forEach(signal -> groups.observe(groupStore, signal).ifPresent(alerts::add));
        return new Result(alerts, positions);
    }
}
