package dev.ballast.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.JobStatus;
import dev.ballast.model.realign.InJvmLauncher;
import dev.ballast.streams.replay.DeadLetterLine;
import dev.ballast.streams.replay.ReplaySummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lines of the run report: a job's figures or the model it kept, dead letters by kind, pairs nothing triaged. */
class RunReportTest {
    @Test
    void aTrainedJobShowsItsFiguresAndAJobWithNothingNewNamesTheModelItKept() {
        Map<String, Double> trained = Map.of("preferenceAccuracyBefore", 0.5, "preferenceAccuracyAfter", 1.0,
                "conflictAccuracyBefore", 0.0, "conflictAccuracyAfter", 1.0, "perplexityBefore", 1.06,
                "perplexityAfter", 1.06, "seconds", 12.0);
        assertEquals("; held-out preference accuracy 0.500 → 1.00, on conflicts 0.00 → 1.00, perplexity 1.06 → 1.06,"
                + " 12 s, model m-r2", RunReport.jobFigures(trained, status("m-r2", trained)));
        Map<String, Double> kept = Map.of(InJvmLauncher.ALREADY_ALIGNED, 1.0, "decisions", 600.0);
        assertEquals("; nothing new to learn, model m-r2 was already re-aligned on these decisions",
                RunReport.jobFigures(kept, status("m-r2", kept)));
        assertEquals("", RunReport.jobFigures(Map.of(), status(null, Map.of())));
    }

    @Test
    void deadLettersAreSummedByKindOfReasonMostFirst() {
        assertEquals("", RunReport.deadLetterKinds(List.of()));
        List<DeadLetterLine> dead = List.of(letter("timestamp: not ISO-8601 (got 'x')"), letter("agentId: required"),
                letter("timestamp: not ISO-8601 (got 'y')"));
        assertEquals(" (invalid_value 2, missing_field 1)", RunReport.deadLetterKinds(dead));
    }

    @Test
    void preferenceLinesWithoutAnyDecisionSayWhy() {
        ReplaySummary.InputFile pairs = new ReplaySummary.InputFile("preferences", 602);
        assertEquals("  triage          no decisions for 602 preference lines: no policy version was accepted to judge "
                + "them against (policies.jsonl, or versions on the policy topic)", RunReport.untriaged(0, pairs).orElseThrow());
        assertTrue(RunReport.untriaged(5, pairs).isEmpty());
        assertTrue(RunReport.untriaged(0, null).isEmpty());
        assertTrue(RunReport.untriaged(0, new ReplaySummary.InputFile("preferences", 0)).isEmpty());
    }

    @Test
    void aCandidatesFileWithNothingToDecideIsSaidSo() {
        assertEquals("  gate            1,386 accepted, 614 quarantined (model m-1)", RunReport.gateLine(1386, 614, "m-1"));
        assertEquals("  gate            no candidate to decide (none readable in candidates.jsonl); model m-1 was ready",
                RunReport.gateLine(0, 0, "m-1"));
    }

    @Test
    void aJobThatFailedInAReplayWithoutPairsSaysWhy() {
        JobStatus failed = new JobStatus("job", JobStatus.State.FAILED, "cpu()", Map.of(), null,
                "no triage decisions for policy version p@2 on triage.decisions", Instant.parse("2026-12-04T00:00:00Z"));
        assertTrue(RunReport.withoutPairs(failed, null).orElseThrow().contains("no preference pairs"));
        assertTrue(RunReport.withoutPairs(failed, new ReplaySummary.InputFile("preferences", 0)).isPresent());
        assertTrue(RunReport.withoutPairs(failed, new ReplaySummary.InputFile("preferences", 602)).isEmpty());
        assertTrue(RunReport.withoutPairs(status("m", Map.of()), null).isEmpty());
        assertTrue(RunReport.withoutPairs(null, null).isEmpty());
    }

    private static DeadLetterLine letter(String error) {
        return new DeadLetterLine("k", "{}", error, "agent.interactions", 0, 0L);
    }

    private static JobStatus status(String model, Map<String, Double> metrics) {
        return new JobStatus("job", JobStatus.State.SUCCEEDED, "cpu()", metrics, model, null,
                Instant.parse("2026-12-04T00:00:00Z"));
    }

    @Test
    void groupSignalsLeftUntrackedAreNamedWithTheLimitToRaise() {
        assertTrue(RunReport.untracked(0).isEmpty());
        assertEquals("  group limit     1,200 group signals came from agents their group could not track and were not "
                + "judged for it: past diffusion.max.agents (raise it for groups that large), or past what one header "
                + "record holds with ids as long as its members' (README, Input limits)",
                RunReport.untracked(1_200).orElseThrow());
        assertTrue(RunReport.rewardsLeftOut(0).isEmpty());
        assertEquals("  reward glitches 3 compliant rewards an order of magnitude off their agent's usual pay were left "
                + "out of its reward statistics (the interactions were judged): check how rewards are logged",
                RunReport.rewardsLeftOut(3).orElseThrow());
    }

    @Test
    void anInputMostlyDeadLetteredIsNamedWithItsCommonestReason() {
        ReplaySummary.InputFile interactions = new ReplaySummary.InputFile("agent.interactions", 4);
        DeadLetterLine snake = new DeadLetterLine(null, "{}", "eventId: required; agentId: required", "agent.interactions", 0, 1L);
        DeadLetterLine other = new DeadLetterLine(null, "{}", "timestamp: not ISO-8601", "agent.interactions", 0, 2L);
        DeadLetterLine policy = new DeadLetterLine(null, "{}", "policy p@1 rejected", "policy.changes", 0, 0L);
        assertEquals("                  3 of 4 records of interactions.jsonl were dead-lettered, 2 of them for "
                + "'eventId: required; agentId: required': check its shape against the README's \"Input shapes\" "
                + "(dlq.jsonl holds every line and its reason)",
                RunReport.mostlyDeadLettered("interactions.jsonl", interactions, List.of(snake, snake, other, policy))
                        .orElseThrow());
        DeadLetterLine spaced1 = new DeadLetterLine(null, "{}", "timestamp: not ISO-8601 (got '2026-01-01 00:00:01')",
                "agent.interactions", 0, 3L);
        DeadLetterLine spaced2 = new DeadLetterLine(null, "{}", "timestamp: not ISO-8601 (got '2026-01-01 00:00:02')",
                "agent.interactions", 0, 4L);
        assertEquals("                  3 of 4 records of interactions.jsonl were dead-lettered, 2 of them for "
                + "'timestamp: not ISO-8601' (the first: 'timestamp: not ISO-8601 (got '2026-01-01 00:00:01')'): check "
                + "its shape against the README's \"Input shapes\" (dlq.jsonl holds every line and its reason)",
                RunReport.mostlyDeadLettered("interactions.jsonl", interactions, List.of(snake, spaced1, spaced2))
                        .orElseThrow(), "one mistake quoting another value on each line is counted as one reason");
        DeadLetterLine half1 = new DeadLetterLine(null, "{}", "value: half a pair (got '\\uD800' at byte 30)",
                "agent.interactions", 0, 5L);
        DeadLetterLine half2 = new DeadLetterLine(null, "{}", "value: half a pair (got '\\uDBFF' at byte 29)",
                "agent.interactions", 0, 6L);
        assertTrue(RunReport.mostlyDeadLettered("interactions.jsonl", interactions, List.of(half1, half2, snake))
                .orElseThrow().contains("2 of them for 'value: half a pair' (the first: "), "a position quoted too");
        assertTrue(RunReport.mostlyDeadLettered("interactions.jsonl", interactions, List.of(snake, policy, policy)).isEmpty(),
                "one of four is no pattern");
        assertTrue(RunReport.mostlyDeadLettered("interactions.jsonl", new ReplaySummary.InputFile("agent.interactions", 0),
                List.of()).isEmpty());
    }

    @Test
    void escalationsAreCountedSoThatExtraTippingAlertsDoNotReadAsFalseAlarms() {
        Alert drift = new Alert("a", AlertType.DRIFT, "agent-1", null, "e1", Instant.EPOCH, Instant.EPOCH,
                "bernoulli-cusum", 1.1, "p@1", Map.of("episode", 1));
        Alert escalation = new Alert("b", AlertType.TIPPING, "agent-1", null, "e9", Instant.EPOCH, Instant.EPOCH,
                "paid-violation-cusum", 1.2, "p@1", Map.of("episode", 1, Alert.ESCALATED_FROM, "DRIFT"));
        assertEquals("", RunReport.escalations(List.of(drift)));
        assertEquals("; 1 of the TIPPING ones escalate an episode first alerted as DRIFT",
                RunReport.escalations(List.of(drift, escalation)));
    }

    @Test
    void interactionsOrCandidatesJudgedWithNoPolicyInForceSaySo() {
        Map<String, ReplaySummary.InputFile> none = Map.of(
                "interactions.jsonl", new ReplaySummary.InputFile("agent.interactions", 10));
        assertEquals("  policies        none in force: no interaction or candidate had a rule to break "
                + "(policies.jsonl, or versions on the policy topic)",
                RunReport.noPolicyInForce(summary(none, 10, 0), List.of()).orElseThrow());
        assertTrue(RunReport.noPolicyInForce(summary(none, 0, 3), List.of()).isPresent(), "candidates alone");
        assertTrue(RunReport.noPolicyInForce(summary(none, 0, 0), List.of()).isEmpty(), "nothing judged");
        Map<String, ReplaySummary.InputFile> one = Map.of(
                "interactions.jsonl", new ReplaySummary.InputFile("agent.interactions", 10),
                "policies.jsonl", new ReplaySummary.InputFile("policy.changes", 1));
        assertTrue(RunReport.noPolicyInForce(summary(one, 10, 0), List.of()).isEmpty());
        DeadLetterLine rejected = new DeadLetterLine("p@1", "{}", "policy p@1 rejected", "policy.changes", 0, 0L);
        assertTrue(RunReport.noPolicyInForce(summary(one, 10, 0), List.of(rejected)).isPresent(),
                "the one policy record was rejected");
    }

    private static ReplaySummary summary(Map<String, ReplaySummary.InputFile> inputs, long interactions,
                                         long gateDecisions) {
        return new ReplaySummary("embedded", inputs, Map.of(), 1, interactions, 0, Map.of(), 0, List.of(), List.of(),
                1.0, 1.0, Map.of("ACCEPT", gateDecisions), null, Map.of(), Map.of(), Map.of(), 0, 0, 0);
    }

    @Test
    void rejectedPolicyRecordsAreNamedWithTheFirstReason() {
        DeadLetterLine interaction = new DeadLetterLine(null, "{}", "eventId: required", "agent.interactions", 0, 1L);
        DeadLetterLine regex = new DeadLetterLine("p@3", "{}", "policy p@3 rejected, the previous version stays in "
                + "force: rules[0].when.responseMatches: bad regex", "policy.changes", 0, 2L);
        DeadLetterLine wrongType = new DeadLetterLine("p@4", "{}", "version: expected a whole number (got text)",
                "policy.changes", 0, 3L);
        assertTrue(RunReport.rejectedPolicies("policy.changes", List.of(interaction)).isEmpty());
        assertEquals("  policies        1 policy record rejected; the versions before it stay in force (dlq.jsonl has "
                + "every reason). First: policy p@3 rejected, the previous version stays in force: "
                + "rules[0].when.responseMatches: bad regex",
                RunReport.rejectedPolicies("policy.changes", List.of(interaction, regex)).orElseThrow());
        assertTrue(RunReport.rejectedPolicies("policy.changes", List.of(regex, interaction, wrongType)).orElseThrow()
                .startsWith("  policies        2 policy records rejected; the versions before them stay in force"),
                "a policy record of the wrong shape is rejected too, whatever its reason's kind");
    }
}
