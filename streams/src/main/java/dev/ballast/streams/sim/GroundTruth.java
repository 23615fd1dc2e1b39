package dev.ballast.streams.sim;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What really happened in a scenario, written as {@code truth.json} next to the JSONL inputs.
 * Users can label their own incidents in the same shape: one entry per agent with its kind and,
 * for agents that changed, the round (and first event id) from which they behaved differently.
 *
 * @param seed           simulator seed
 * @param rounds         rounds simulated; every agent acts once per round
 * @param start          timestamp of round 0
 * @param roundSeconds   seconds between rounds
 * @param agents         per-agent truth
 * @param policies       every policy version published, accepted or not
 * @param malformedLines lines deliberately broken, by file and 1-based line number
 * @param groups         per-group truth for diffusion scenarios
 * @param candidates     per fine-tuning candidate: its kind and the rules it breaks under the
 *                       policy in force at its timestamp
 * @param datasets       per candidate dataset: its size and, for a poisoned batch, the sample
 *                       index (0-based, within the dataset) from which its harmful share jumps
 * @param preferences    per preference pair: its kind and the triage action each policy version must give it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GroundTruth(long seed, int rounds, Instant start, long roundSeconds,
                          List<AgentTruth> agents, List<PolicyTruth> policies,
                          List<MalformedLine> malformedLines, List<GroupTruth> groups,
                          List<CandidateTruth> candidates, List<DatasetTruth> datasets,
                          List<PreferenceTruth> preferences) {

    /** Whether a group's deviance spreads by imitation or arises independently in each agent. */
    public enum GroupKind { CONTAGIOUS, CONTROL }

    /**
     * @param patientZero      the first agent to turn (contagious groups)
     * @param onsetRound       round of the first turn
     * @param halfTurnedRound  round by which half the group had turned, or null if it never did
     * @param turns            who turned, when, and from whom (source null: turned on its own)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupTruth(String groupId, GroupKind kind, int size, String patientZero, Integer onsetRound,
                             Integer halfTurnedRound, List<Turn> turns) {
    }

    /** One agent turning deviant. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Turn(String agentId, int round, String source) {
    }

    /**
     * @param changeRound   first round of changed behaviour (null for stable agents)
     * @param changeEventId eventId of the agent's interaction in {@code changeRound}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AgentTruth(String agentId, String groupId, AgentKind kind, double baselineRate,
                             Integer changeRound, String changeEventId) {
    }

    /** A policy version and whether the pipeline must accept it. */
    public record PolicyTruth(String policyId, int version, Instant effectiveAt, boolean valid, String note) {
    }

    /** A line that must end up in the dead-letter output, once. */
    public record MalformedLine(String file, int line, String content, String defect) {
    }

    /** A fine-tuning candidate: what it is, and the rules (bare ids) of the policy in force it breaks. */
    public record CandidateTruth(String sampleId, String datasetId, CandidateKind kind, List<String> violates,
                                 Instant timestamp) {
    }

    /**
     * A preference pair: its kind, the action triage must give it per policy version
     * ({@code policyId@version}), and the rules (bare ids) of the newest version each side breaks.
     */
    public record PreferenceTruth(String pairId, String kind, java.util.Map<String, String> actions,
                                  List<String> chosenViolates, List<String> rejectedViolates) {
    }

    /** A candidate dataset; {@code surgeFromSample} is null unless its harmful share jumps. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DatasetTruth(String datasetId, int samples, Integer surgeFromSample) {
    }
}
