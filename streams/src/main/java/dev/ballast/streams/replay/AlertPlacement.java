package dev.ballast.streams.replay;

import dev.ballast.events.Alert;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import dev.ballast.streams.eval.EventPositions;
import dev.ballast.streams.eval.OfflineRun;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a replay's alerts sit in their agents' streams, and the plotted agents' histories, from a
 * second read of the interactions once the alerts are known. The replay streams its input to the
 * pipeline without keeping any of it, and a report needs only these: the positions of the alerts'
 * trigger events and of a ground truth's change events, and the flags of a few agents.
 *
 * @param positions the positions of the alerts' trigger events and of the events asked for, and
 *                  every agent's event count
 * @param timelines the plotted agents' violation flags
 */
public record AlertPlacement(EventPositions positions, AgentTimelines timelines) {

    /**
     * Reads the interactions of {@code inputs} as the monitor judged them: records over
     * {@code maxRecordBytes} (dead-lettered unread) and repeats of an agent's latest events take
     * no position.
     */
    public static AlertPlacement read(ReplayInputs inputs, List<Alert> alerts, Set<String> alsoPlaced,
                                      int maxRecordBytes) {
        Set<String> wanted = new HashSet<>(alsoPlaced);
        alerts.forEach(a -> wanted.add(a.triggerEventId()));
        EventPositions positions = new EventPositions(wanted::contains);
        AgentTimelines timelines = new AgentTimelines(alerts, OfflineRun.policies(inputs.lines(ReplayInputs.POLICIES)),
                ReportWriter.PLOTTED_AGENTS);
        inputs.forEach(ReplayInputs.INTERACTIONS, (i, bytes, length) -> {
            if (length <= maxRecordBytes
                    && EventJson.readInteraction(bytes) instanceof Decoded.Ok<Interaction> ok
                    && positions.add(ok.value().agentId(), ok.value().eventId(), ok.value().timestamp().toEpochMilli())
                    && timelines.plots(ok.value().agentId())) {
                timelines.add(ok.value());
            }
        });
        return new AlertPlacement(positions, timelines);
    }
}
