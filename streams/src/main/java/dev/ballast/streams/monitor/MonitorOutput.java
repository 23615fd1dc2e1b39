package dev.ballast.streams.monitor;

import dev.ballast.events.Alert;
import dev.ballast.streams.diffusion.GroupFeed;

/**
 * What the per-agent monitor emits: alerts for the alerts topic, and for the group monitor the
 * signals of grouped agents' events and the task's watermarks.
 */
public sealed interface MonitorOutput {
    record OfAlert(Alert alert) implements MonitorOutput {
    }

    record ToGroups(GroupFeed feed) implements MonitorOutput {
    }
}
