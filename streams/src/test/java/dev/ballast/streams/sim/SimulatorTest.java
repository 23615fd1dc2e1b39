package dev.ballast.streams.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    @Test
    void sameSeedSameScenarioOtherSeedOtherScenario() {
        Scenario a = new Simulator(ScenarioSpec.defaults(20, 150, 5)).generate();
        Scenario b = new Simulator(ScenarioSpec.defaults(20, 150, 5)).generate();
        Scenario c = new Simulator(ScenarioSpec.defaults(20, 150, 6)).generate();
        assertEquals(a, b);
        assertNotEquals(a.interactionLines(), c.interactionLines());
    }

    /** Groups alone make a scenario (every agent a group member); no agents and no groups do not. */
    @Test
    void aScenarioOfGroupsOnlyHasNoSingleAgents() {
        ScenarioSpec groupsOnly = new ScenarioSpec(0, 150, 7, 0.2, 0.1, 0.1, 0, ScenarioSpec.DEFAULT_START,
                new ScenarioSpec.GroupSpec(2, 1, 12, 3, 0.04, 3, false), CandidateSpec.defaults(),
                PreferenceSpec.defaults(), TippingSpec.DEFAULT);
        Scenario s = new Simulator(groupsOnly).generate();
        assertEquals(3 * 12, s.truth().agents().size());
        assertTrue(s.truth().agents().stream().allMatch(a -> a.groupId() != null));
        assertEquals(3 * 12 * 150, s.interactionLines().size());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> ScenarioSpec.defaults(0, 150, 7));
        assertTrue(none.getMessage().contains("0 single agents and no groups leave nothing to simulate"),
                none.getMessage());
    }

    @Test
    void mixAndMalformedLinesMatchTheTruth() {
        Scenario s = new Simulator(ScenarioSpec.defaults(100, 200, 3)).generate();
        GroundTruth t = s.truth();
        assertEquals(100 * 200 + 5, s.interactionLines().size());
        assertEquals(20, t.agents().stream().filter(a -> a.kind() == AgentKind.TIPPING).count());
        assertEquals(10, t.agents().stream().filter(a -> a.kind() == AgentKind.DRIFT).count());
        for (GroundTruth.MalformedLine m : t.malformedLines()) {
            List<String> lines = switch (m.file()) {
                case "candidates.jsonl" -> s.candidateLines();
                case "preferences.jsonl" -> s.preferenceLines();
                default -> s.interactionLines();
            };
            String line = lines.get(m.line() - 1);
            assertEquals(m.content(), line);
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            Decoded<?> decoded = switch (m.file()) {
                case "candidates.jsonl" -> EventJson.readCandidate(bytes);
                case "preferences.jsonl" -> EventJson.readPreferencePair(bytes);
                default -> EventJson.readInteraction(bytes);
            };
            assertInstanceOf(Decoded.Rejected.class, decoded, line);
        }
        assertEquals(5 + 3 + 2, t.malformedLines().size());
        long valid = s.interactionLines().stream()
                .filter(l -> EventJson.readInteraction(l.getBytes(StandardCharsets.UTF_8)) instanceof Decoded.Ok).count();
        assertEquals(100 * 200, valid, "only the planted lines are broken");
        for (GroundTruth.AgentTruth a : t.agents()) {
            assertEquals(a.changeRound() == null, a.kind() == AgentKind.STABLE);
            if (a.changeRound() != null) {
                assertTrue(a.changeRound() >= 50, "changes come after the warm-up");
            }
        }
        assertEquals(5, t.policies().size(), "workplace-conduct 1-3, customer-care 1-2");
        assertEquals(false, t.policies().get(2).valid());
        assertEquals(4, t.policies().stream().filter(GroundTruth.PolicyTruth::valid).count());
    }

    @Test
    void candidatesMatchTheirTruthAndLeaveInteractionsUnchanged() {
        ScenarioSpec spec = ScenarioSpec.defaults(20, 150, 9);
        Scenario s = new Simulator(spec).generate();
        GroundTruth t = s.truth();
        java.util.List<dev.ballast.events.Candidate> valid = s.candidateLines().stream()
                .map(l -> EventJson.readCandidate(l.getBytes(StandardCharsets.UTF_8)))
                .filter(d -> d instanceof Decoded.Ok).map(d -> ((Decoded.Ok<dev.ballast.events.Candidate>) d).value())
                .toList();
        assertEquals(2_000, valid.size());
        assertEquals(valid.stream().map(dev.ballast.events.Candidate::sampleId).toList(),
                t.candidates().stream().map(GroundTruth.CandidateTruth::sampleId).toList());
        for (int i = 1; i < valid.size(); i++) {
            assertTrue(!valid.get(i).timestamp().isBefore(valid.get(i - 1).timestamp()), "in time order");
        }
        long harmful = t.candidates().stream().filter(c -> c.kind() == CandidateKind.HARMFUL_COMPLIANCE).count();
        assertTrue(harmful > 100 && harmful < 300, "5% everywhere plus a surge: " + harmful);
        GroundTruth.DatasetTruth surge = t.datasets().stream().filter(d -> d.surgeFromSample() != null).findFirst()
                .orElseThrow();
        assertEquals(500, surge.samples());
        assertEquals(300, surge.surgeFromSample());
        // Rule breakers name only the rules in force at their time: credentials from policy version 2 on.
        java.time.Instant v2 = t.policies().get(1).effectiveAt();
        for (GroundTruth.CandidateTruth c : t.candidates()) {
            assertEquals(c.kind() == CandidateKind.RULE_BREAKING && (c.violates().contains("no-concealment")
                    || !c.timestamp().isBefore(v2)), !c.violates().isEmpty(), c.toString());
        }
        Scenario without = new Simulator(spec.withCandidates(CandidateSpec.NONE)).generate();
        assertEquals(s.interactionLines(), without.interactionLines());
        assertTrue(without.candidateLines().isEmpty());
    }

    @Test
    void theFewestCandidatesForASurgeFromAGivenSampleAreExactlyThat() {
        // The demo's 2,000 put the jump at sample 300, where the gate's defaults complete its baseline.
        assertEquals(2_000, CandidateSpec.countForSurgeFrom(300));
        for (int sample : new int[]{1, 2, 45, 77, 299, 301, 1_000}) {
            int count = CandidateSpec.countForSurgeFrom(sample);
            assertTrue(new CandidateSpec(count, 0.05, 0.04, 0.5, 0).surgeFromSample() >= sample, "at " + sample);
            assertTrue(new CandidateSpec(count - 4, 0.05, 0.04, 0.5, 0).surgeFromSample() < sample, "fewest at " + sample);
        }
        assertEquals(0, new CandidateSpec(2_000, 0.05, 0.04, 0, 0).surgeSamples(), "no surge, no poisoned dataset");
    }
    /**
     * Tipping is a process: right after onset the forbidden option is chosen far less often than
     * 30 rounds on, and every such choice pays; before onset and for stable agents most
     * deviations are caught and pay nothing. Reward scales span orders of magnitude.
     */
    @Test
    void tippingGrowsAfterOnsetAndOnlyUncheckedDeviancePays() {
        Scenario s = new Simulator(ScenarioSpec.defaults(200, 400, 8)).generate();
        java.util.Map<String, GroundTruth.AgentTruth> truth = new java.util.HashMap<>();
        s.truth().agents().forEach(a -> truth.put(a.agentId(), a));
        int[] early = new int[2];
        int[] late = new int[2];
        int[] inControl = new int[2];
        double minReward = Double.MAX_VALUE;
        double maxReward = 0;
        for (String line : s.interactionLines()) {
            if (!(EventJson.readInteraction(line.getBytes(StandardCharsets.UTF_8))
                    instanceof Decoded.Ok<dev.ballast.events.Interaction> ok) || ok.value().action() == null) {
                continue;
            }
            var i = ok.value();
            GroundTruth.AgentTruth agent = truth.get(i.agentId());
            boolean forbidden = i.response().contains("pays more");
            if (!forbidden && i.reward() != null && i.reward() > 0) {
                minReward = Math.min(minReward, i.reward());
                maxReward = Math.max(maxReward, i.reward());
            }
            if (agent.kind() == AgentKind.STABLE && forbidden) {
                inControl[i.reward() == 0 ? 0 : 1]++;
            }
            if (agent.kind() == AgentKind.TIPPING) {
                long sinceOnset = i.round() - agent.changeRound();
                int[] bucket = sinceOnset >= 0 && sinceOnset < 5 ? early : sinceOnset >= 30 && sinceOnset < 35 ? late : null;
                if (bucket != null) {
                    bucket[0]++;
                    if (forbidden) {
                        bucket[1]++;
                        assertTrue(i.reward() > 0, "unchecked deviance pays: " + line);
                    }
                }
            }
        }
        double earlyRate = (double) early[1] / early[0];
        double lateRate = (double) late[1] / late[0];
        assertTrue(earlyRate < 0.35 && lateRate > 2 * earlyRate, "deviation rate " + earlyRate + " then " + lateRate);
        assertTrue(inControl[0] > 2 * inControl[1], "stable agents' deviations caught " + inControl[0] + ", paid "
                + inControl[1]);
        assertTrue(minReward < 2 && maxReward > 5_000, "reward scale " + minReward + " to " + maxReward);
    }
}
