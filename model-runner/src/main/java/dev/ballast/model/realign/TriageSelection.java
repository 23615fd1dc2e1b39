package dev.ballast.model.realign;

import dev.ballast.events.TriageDecision;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Picks a job's decisions out of everything on the triage topic. The selector names policy
 * versions ({@code policyId@version}, comma-separated, as alerts carry them). For each policy
 * named, the newest version on the topic that is at least the named one is used: a job asked for
 * by alerts under version 1 re-aligns to version 2 if version 2 has been triaged since. Per pair,
 * the last decision for that version counts; a pair judged under several policies keeps its
 * highest-impact decision (a conflict before a preserve; between equals, the first policy version
 * by name). The result is ordered by pair id: the decisions a job trains on, their order and
 * so the data digest do not depend on which triage partition was read first.
 */
public final class TriageSelection {
    /** Higher impact first, then the policy version that sorts first. */
    private static final Comparator<TriageDecision> RANK = Comparator.comparingDouble(TriageDecision::impact)
            .thenComparing(TriageDecision::policyVersion, Comparator.reverseOrder());

    private TriageSelection() {
    }

    public static List<TriageDecision> select(Collection<TriageDecision> all, String selector) {
        Map<String, Integer> wanted = new TreeMap<>();
        for (String tag : selector.split(",")) {
            int at = tag.lastIndexOf('@');
            if (at > 0) {
                try {
                    wanted.put(tag.substring(0, at).trim(), Integer.parseInt(tag.substring(at + 1).trim()));
                } catch (NumberFormatException ignored) {
                    // A tag without a numeric version selects nothing.
                }
            }
        }
        Map<String, Integer> newest = new TreeMap<>();
        for (TriageDecision d : all) {
            int at = d.policyVersion() == null ? -1 : d.policyVersion().lastIndexOf('@');
            if (at <= 0) {
                continue;
            }
            String policy = d.policyVersion().substring(0, at);
            Integer floor = wanted.get(policy);
            try {
                int version = Integer.parseInt(d.policyVersion().substring(at + 1));
                if (floor != null && version >= floor) {
                    newest.merge(policy, version, Math::max);
                }
            } catch (NumberFormatException ignored) {
                // Not a version this selector can name.
            }
        }
        List<String> versions = newest.entrySet().stream().map(e -> e.getKey() + "@" + e.getValue()).toList();
        Map<String, TriageDecision> byPair = new LinkedHashMap<>();
        for (TriageDecision d : all) {
            if (!versions.contains(d.policyVersion())) {
                continue;
            }
            byPair.merge(d.pairId() + "\u0000" + d.policyVersion(), d, (old, latest) -> latest);
        }
        Map<String, TriageDecision> best = new TreeMap<>();
        for (TriageDecision d : byPair.values()) {
            best.merge(d.pairId(), d, (a, b) -> RANK.compare(b, a) > 0 ? b : a);
        }
        return new ArrayList<>(best.values());
    }
}
