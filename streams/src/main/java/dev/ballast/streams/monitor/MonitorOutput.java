package dev.ballast.streams.monitor;

import dev.ballast.events.Alert;
import dev.ballast.streams.diffusion.GroupSignal;

/** What the per-agent monitor emits: alerts for the alerts topic, signals for the group monitor. */
public sealed interface MonitorOutput {
    record OfAlert(Alert alert) implements MonitorOutput {
    }

    record OfSignal(GroupSignal signal) implements MonitorOutput {
    }
}
