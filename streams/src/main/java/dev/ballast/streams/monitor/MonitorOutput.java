package dev.ballast.streams.monitor;

import dev.ballast.events.Alert;
import dev.ballast.events.Interaction;
import dev.ballast.streams.diffusion.GroupFeed;

/**
 * What the per-agent monitor emits: alerts for the alerts topic, for the group monitor the
 * signals of grouped agents' events and the task's watermarks, and repeated interactions for the
 * dead-letter topic (the dead-letter headers ride on the record).
 */
public sealed interface MonitorOutput {
    record OfAlert(Alert alert) implements MonitorOutput {
    }

    record ToDeadLetters(Intake.Invalid<Interaction> letter) implements MonitorOutput, DeadLetters.Letter {
    }

    record ToGroups(GroupFeed feed) implements MonitorOutput {
    }
}
