package dev.ballast.streams.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.EventJson;
import dev.ballast.streams.config.BallastConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroupMonitorTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final DiffusionSettings settings = BallastConfig.defaults().diffusion();
    private final GroupMonitor monitor = new GroupMonitor(settings, Clock.systemUTC());
    private final InMemoryGroupStore store = new InMemoryGroupStore();
    /** Per agent: round from which it is deviant (signal), and round from which it clears. */
    private final Map<String, Integer> turns = new HashMap<>();
    private final Map<String, Integer> clears = new HashMap<>();
    /** Per agent: round from which it breaks rules, when later than its change-point estimate. */
    private final Map<String, Integer> violatesFrom = new HashMap<>();
    /** Per agent: seconds into each round at which it acts (0 unless set). */
    private final Map<String, Integer> offsets = new HashMap<>();
    private final List<Alert> alerts = new ArrayList<>();

    private static Instant at(int round) {
        return T0.plusSeconds(60L * round);
    }

    /** One round: every agent acts once and reports the peers it observed. */
    private void round(int r, List<String> agents, Map<String, List<String>> observed) {
        for (String a : agents) {
            Integer turn = turns.get(a);
            Integer clear = clears.get(a);
            boolean deviant = turn != null && r >= turn + 2 && (clear == null || r < clear);
            boolean violated = turn != null && r >= violatesFrom.getOrDefault(a, turn) && (clear == null || r < clear);
            long offset = offsets.getOrDefault(a, 0);
            GroupSignal s = new GroupSignal("g", a, a + "-" + r, at(r).plusSeconds(offset), deviant, violated,
                    deviant ? at(turn).plusSeconds(offset) : null, observed.getOrDefault(a, List.of()), "p@1");
            Optional<Alert> alert = monitor.observe(store, s);
            alert.ifPresent(alerts::add);
        }
    }

    private static List<String> agents(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add("a" + i);
        }
        return out;
    }

    @Test
    void chainOfTransmissionsRaisesOneAlertNamingPatientZeroAndEdges() {
        List<String> group = agents(12);
        turns.put("a3", 100);
        turns.put("a7", 106);
        turns.put("a9", 110);
        for (int r = 0; r < 140; r++) {
            Map<String, List<String>> seen = new HashMap<>();
            seen.put("a7", List.of(r == 105 ? "a3" : "a1"));
            seen.put("a9", List.of(r == 108 ? "a7" : "a2"));
            round(r, group, seen);
        }
        assertEquals(1, alerts.size(), alerts.toString());
        Alert alert = alerts.get(0);
        assertEquals(AlertType.DIFFUSION, alert.type());
        assertEquals("g", alert.groupId());
        assertEquals("a3", alert.evidence().get("patientZero"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> edges = (List<Map<String, Object>>) alert.evidence().get("edges");
        assertEquals(List.of("a3>a7", "a7>a9"), edges.stream().map(e -> e.get("source") + ">" + e.get("target")).toList());
        assertEquals(3L, alert.evidence().get("deviantCount"));
        assertEquals(12, alert.evidence().get("members"));
        assertTrue(alert.score() > 1, "reproduction estimate above 1: " + alert.score());
        assertEquals("a9-112", alert.triggerEventId(), "fires as soon as the second transmission is seen");
    }

    @Test
    void sourceRecognisedLateIsAttributedRetroactively() {
        List<String> group = agents(6);
        // a2 copies a1 but a1's own deviance is only reported after a2's.
        turns.put("a1", 50);
        turns.put("a2", 53);
        turns.put("a4", 56);
        for (int r = 0; r < 90; r++) {
            Map<String, List<String>> seen = new HashMap<>();
            seen.put("a2", List.of(r == 52 ? "a1" : "a5"));
            seen.put("a4", List.of(r == 55 ? "a1" : "a6"));
            // a1 is silent until round 57, so its deviance is known only after a2's and a4's.
            round(r, r < 58 ? List.of("a2", "a3", "a4", "a5", "a6") : group, seen);
            if (r == 57) {
                round(57, List.of("a1"), Map.of());
            }
        }
        assertEquals(1, alerts.size());
        assertEquals("a1", alerts.get(0).evidence().get("patientZero"));
    }

    @Test
    void aSightingOfOnlyCompliantDecisionsTransmitsNothing() {
        // a1's change-point estimate (round 100) precedes its first violation (round 105); a2 saw
        // a1 at round 104, after the estimate but before a1 broke any rule.
        assertEquals(List.of(), chainSeenAt(104, 105), "a2 saw nothing to copy");
    }

    @Test
    void theSameSightingOfViolationsTransmits() {
        assertEquals(List.of("a1"), chainSeenAt(104, 100));
    }

    @Test
    void aSightingLongBeforeTheTargetsFirstViolationTransmitsNothing() {
        // a2's first violation (round 106) comes four of its events after it saw a1: beyond the window.
        assertEquals(List.of(), chainSeenAt(102, 100));
    }

    @Test
    void theWindowRunsBackFromTheFirstViolationNotFromALateEstimate() {
        // a2's change-point estimate (round 106) lags its first violation (round 104) by two events,
        // so the sighting at round 102 lies within the window.
        violatesFrom.put("a2", 104);
        assertEquals(List.of("a1"), chainSeenAt(102, 100));
    }

    @Test
    void aSightingAtTheObserversNextDecisionTransmitsWhereverEachActsInTheRound() {
        // a1 acts 20 s into each round, a2 and a3 at its start: at round 101 they saw a1's
        // round-100 violation 40 s after it, less than one of their own events, yet at their very
        // next decision. Requiring a whole event between the turn and the sighting lost such
        // edges, and with them patient zero, whenever deviance spread within a round or two.
        offsets.put("a1", 20);
        a1CopiedByA2AndA3SeeingItAt(101);
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals("a1", alerts.get(0).evidence().get("patientZero"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> edges = (List<Map<String, Object>>) alerts.get(0).evidence().get("edges");
        assertEquals(List.of("a1>a2", "a1>a3"), edges.stream().map(e -> e.get("source") + ">" + e.get("target")).toList());
    }

    @Test
    void aSightingInTheSameInstantAsTheTurnTransmitsNothing() {
        // a2 acts 1 s after a1 in each round and saw a1 in round 100, the round a1 turned: a
        // change-point estimate may lead the real turn, so so close a sighting is no evidence.
        offsets.put("a2", 1);
        offsets.put("a3", 1);
        a1CopiedByA2AndA3SeeingItAt(100);
        assertEquals(List.of(), alerts);
    }

    /** a1 turns at round 100; a2 and a3 see it at {@code seen} and turn at 102, in a group of 12. */
    private void a1CopiedByA2AndA3SeeingItAt(int seen) {
        turns.put("a1", 100);
        turns.put("a2", 102);
        turns.put("a3", 102);
        for (int r = 0; r < 140; r++) {
            Map<String, List<String>> observed = new HashMap<>();
            observed.put("a2", List.of(r == seen ? "a1" : "a11"));
            observed.put("a3", List.of(r == seen ? "a1" : "a12"));
            round(r, agents(12), observed);
        }
    }

    /**
     * a1 turns at 100 (violating from {@code a1Violates}), a2 sees a1 at {@code seen} and turns
     * at 106, a4 sees a2 at 109 and turns at 111: diffusion if a2's sighting of a1 counts.
     */
    private List<Object> chainSeenAt(int seen, int a1Violates) {
        List<String> group = agents(12);
        turns.put("a1", 100);
        violatesFrom.put("a1", a1Violates);
        turns.put("a2", 106);
        turns.put("a4", 111);
        for (int r = 0; r < 140; r++) {
            Map<String, List<String>> observed = new HashMap<>();
            observed.put("a2", List.of(r == seen ? "a1" : "a11"));
            observed.put("a4", List.of(r == 109 ? "a2" : "a12"));
            round(r, group, observed);
        }
        return alerts.stream().map(a -> a.evidence().get("patientZero")).toList();
    }

    @Test
    void independentTurnsWithoutExposureAreNotDiffusion() {
        List<String> group = agents(12);
        turns.put("a1", 60);
        turns.put("a5", 64);
        turns.put("a8", 67);
        for (int r = 0; r < 120; r++) {
            // Everyone observes only peers that never deviate.
            round(r, group, Map.of("a5", List.of("a2"), "a8", List.of("a3"), "a1", List.of("a4")));
        }
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    /** A quick chain a1, a2 (saw a1), a3 (saw a2) after {@code priorSoloTurns} members turned and recovered alone. */
    private List<Alert> chainAfterSoloTurns(int priorSoloTurns) {
        List<String> group = agents(12);
        for (int i = 0; i < priorSoloTurns; i++) {
            turns.put("a" + (4 + i), 10 + 12 * i);
            clears.put("a" + (4 + i), 18 + 12 * i);
        }
        turns.put("a1", 100);
        turns.put("a2", 104);
        turns.put("a3", 108);
        for (int r = 0; r < 140; r++) {
            round(r, group, Map.of("a2", List.of(r == 103 ? "a1" : "a12"), "a3", List.of(r == 107 ? "a2" : "a12")));
        }
        return alerts;
    }

    @Test
    void aChainStandsOutInAQuietGroup() {
        List<Alert> raised = chainAfterSoloTurns(0);
        assertEquals(1, raised.size());
        assertTrue((double) raised.get(0).evidence().get("spontaneousP") <= settings.maxSpontaneousP());
        assertEquals(2, raised.get(0).evidence().get("turnsWhileDeviantsPresent"));
        // Edges keep one field order in every run (Map.of iterates in an order that changes per JVM).
        String json = EventJson.writeString(raised.get(0));
        assertTrue(json.contains("\"edges\":[{\"source\":\"a1\",\"target\":\"a2\",\"observedAt\":"), json);
    }

    @Test
    void aSlowChainIsDiffusionOnceItHasTwiceTheTransmissionsAskedFor() {
        // After 600 quiet rounds each member copies the one before it forty rounds later: never
        // more turns in the last window than deviants before it, so the reproduction estimate
        // stays at or under 1, while the turns soon stand out from the group's quiet hazard.
        List<String> group = agents(12);
        for (int i = 1; i <= 8; i++) {
            turns.put("a" + i, 560 + 40 * i);
        }
        for (int r = 0; r < 1_000; r++) {
            Map<String, List<String>> seen = new HashMap<>();
            for (int i = 2; i <= 8; i++) {
                seen.put("a" + i, List.of(r == 559 + 40 * i ? "a" + (i - 1) : "a12"));
            }
            round(r, group, seen);
        }
        assertEquals(1, alerts.size(), alerts.toString());
        Alert alert = alerts.get(0);
        assertTrue(alert.triggerEventId().startsWith("a5-"), "at the fourth transmission: " + alert.triggerEventId());
        assertTrue((double) alert.evidence().get("reproduction") <= settings.minReproduction(), alert.evidence().toString());
        assertEquals("a1", alert.evidence().get("patientZero"));
    }

    @Test
    void theSameChainIsCoincidenceWhereMembersOftenTurnOnTheirOwn() {
        assertTrue(chainAfterSoloTurns(6).isEmpty(), "six solo turns before: two more while deviants were present "
                + "are what the group's own hazard predicts");
        GroupHeader header = store.header("g");
        assertEquals(7, header.quietTurns, "six solo turns and a1's, each with no deviant present");
        assertEquals(2, header.exposedTurns, "a2 and a3 turned while a deviant was present");
    }

    @Test
    void aSlipThatDoesNotLastIsNoTurnWhileDeviantsArePresent() {
        List<String> group = agents(12);
        turns.put("a1", 100);
        // Three members slip for two events each while a1 is deviant, then comply again.
        for (int i = 0; i < 3; i++) {
            turns.put("a" + (3 + i), 104 + 4 * i);
            clears.put("a" + (3 + i), 108 + 4 * i);
        }
        turns.put("a9", 125);
        for (int r = 0; r < 140; r++) {
            round(r, group, Map.of());
        }
        GroupHeader header = store.header("g");
        assertEquals(1, header.quietTurns, "a1 opened the episode");
        assertEquals(1, header.exposedTurns, "only a9's lasting turn counts against the group's own hazard");
    }

    @Test
    void reArmsWhenTheGroupRecoversAndAlertsOnTheNextEpisode() {
        List<String> group = agents(8);
        // Onset after 60 quiet rounds: enough of the group's own history for two quick turns
        // after exposure to stand out from its spontaneous turning hazard.
        turns.put("a1", 60);
        turns.put("a2", 65);
        turns.put("a3", 68);
        clears.put("a1", 85);
        clears.put("a2", 85);
        clears.put("a3", 85);
        for (int r = 0; r < 100; r++) {
            round(r, group, Map.of("a2", List.of(r == 64 ? "a1" : "a8"), "a3", List.of(r == 67 ? "a2" : "a8")));
        }
        assertEquals(1, alerts.size());
        GroupHeader header = store.header("g");
        assertEquals(0, header.currentDeviants());
        turns.put("a4", 120);
        turns.put("a5", 124);
        turns.put("a6", 127);
        clears.clear();
        turns.remove("a1");
        turns.remove("a2");
        turns.remove("a3");
        for (int r = 100; r < 150; r++) {
            round(r, group, Map.of("a5", List.of(r == 123 ? "a4" : "a8"), "a6", List.of(r == 126 ? "a5" : "a8")));
        }
        assertEquals(2, alerts.size());
        assertEquals(2L, alerts.get(1).evidence().get("episode"));
        assertEquals("a4", alerts.get(1).evidence().get("patientZero"));
    }

    @Test
    void reproductionCountsRecentAttributedTurnsPerEarlierDeviant() {
        GroupHeader h = new GroupHeader();
        GroupHeader.Deviant zero = new GroupHeader.Deviant("z", 0, 10);
        GroupHeader.Deviant a = new GroupHeader.Deviant("a", 100, 10);
        a.source = "z";
        GroupHeader.Deviant b = new GroupHeader.Deviant("b", 120, 10);
        b.source = "z";
        h.deviants.addAll(List.of(zero, a, b));
        zero.sustainMillis = 10;
        assertEquals(2.0, GroupMonitor.reproduction(h, 130, 50));
        assertEquals(0.5, GroupMonitor.reproduction(h, 130, 15), "only b is recent; z and a came before");
        b.current = false;
        assertEquals(1.0, GroupMonitor.reproduction(h, 130, 50), "a target that recovered is not counted");
        b.current = true;
        zero.current = false;
        zero.clearedAt = 5;
        assertEquals(0.0, GroupMonitor.reproduction(h, 130, 50), "a source that slipped briefly is no source");
    }

    @Test
    void membersBeyondTheLimitAreCountedNotTracked() {
        DiffusionSettings tiny = new DiffusionSettings(1000, 1, 8, 30, 2, 1.0, 1.0, 8, 3, 1_048_576);
        GroupMonitor small = new GroupMonitor(tiny, Clock.systemUTC());
        for (String a : agents(5)) {
            small.observe(store, new GroupSignal("g", a, a, T0, false, null, null, List.of(), "p@1"));
        }
        assertEquals(3, store.header("g").members);
        assertEquals(2, store.header("g").untracked);
    }

    /**
     * A group's header is one record of the group store's changelog: with every member deviant and
     * ids of the longest kind accepted (1,024 characters), 1,000 members made a header of 1.44 MB,
     * over what that changelog takes, which stopped the whole run. Members that would pass the
     * header's bound are counted, not tracked; ordinary ids keep every one of the 1,000.
     */
    @Test
    void aGroupsHeaderStaysWithinOneRecordWhateverItsMembersIdsAndDeviance() {
        for (int length : new int[]{1_024, 12}) {
            InMemoryGroupStore fresh = new InMemoryGroupStore();
            List<String> group = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                String n = String.format("%04d", i);
                group.add(n + "x".repeat(length - n.length()));
            }
            String zero = group.get(0);
            Instant t = T0;
            for (String a : group) {
                monitor.observe(fresh, new GroupSignal("g", a, a + "-0", t, false, false, null, List.of(), "p@1"));
                t = t.plusSeconds(1);
            }
            for (String a : group) {
                t = t.plusSeconds(1);
                monitor.observe(fresh, new GroupSignal("g", zero, zero + "-" + t, t, true, true, t, List.of(), "p@1"));
                monitor.observe(fresh, new GroupSignal("g", a, a + "-1", t, true, true, t, List.of(zero), "p@1"));
            }
            GroupHeader header = fresh.header("g");
            int bytes = EventJson.write(header).length;
            assertTrue(bytes <= settings.maxRecordBytes(), length + "-character ids: " + bytes + " bytes");
            assertEquals(header.members, header.deviants.size(), "every tracked member turned");
            if (length == 12) {
                assertEquals(1_000, header.members, "ordinary ids: every member tracked");
                assertEquals(0, header.untracked);
            } else {
                assertTrue(header.members > 400 && header.members < 1_000, "tracked " + header.members);
                assertTrue(header.untracked > 0, "the others' signals counted");
            }
        }
    }
}
