package dev.ballast.streams.monitor;

import dev.ballast.events.Interaction;
import dev.ballast.events.Policy;

/**
 * What reaches the per-agent monitor processor: interactions of its agents, and every policy
 * version (policies are broadcast to all partitions so each task judges with the full history).
 */
public sealed interface MonitorInput {
    record OfInteraction(Interaction interaction) implements MonitorInput {
    }

    record OfPolicy(Policy policy) implements MonitorInput {
    }
}
