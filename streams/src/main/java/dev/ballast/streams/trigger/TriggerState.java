package dev.ballast.streams.trigger;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the trigger remembers, kept as one value in its state store: conflict counts per policy
 * version, the most recent alerts per policy version (at most the alert threshold of them), the
 * jobs created by (reason, policy version), and when each reason last created one. Its size grows
 * with the number of jobs and of policy versions with conflicts but no job yet, not with the data:
 * a version's alerts are dropped once they have all left the window, and a version's counts once
 * its job is created. Its collections are mutable (the
 * trigger updates them in place); read back from the store, Jackson builds fresh mutable ones.
 */
public record TriggerState(Map<String, Map<String, Long>> conflicts, Map<String, List<AlertMark>> alerts,
                           Map<String, String> jobs, Map<String, Long> lastJobAt) {

    /** One alert as the window needs it. */
    public record AlertMark(String alertId, String type, long at) {
    }

    public static TriggerState empty() {
        return new TriggerState(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
    }
}
