package dev.ballast.streams.replay;

import java.util.List;
import java.util.Map;

/**
 * {@code summary.json}: what went in, what came out, per topic, and how long it took.
 *
 * @param cluster              "embedded" or the bootstrap servers used
 * @param inputs               per input file: the topic it was produced to and its line count
 * @param recordsPerTopic      records produced to each input topic and read from each output topic
 * @param agents               distinct agents among valid interactions
 * @param interactions         valid interactions judged by the monitor
 * @param violations           of which violated the policy in force
 * @param alertsByType         alerts raised, by type
 * @param deadLetters          records dead-lettered
 * @param processors           processors that ran over the inputs
 * @param notProcessed         inputs produced to their topic but consumed by no processor of this build
 * @param elapsedSeconds       wall time from first produce to all outputs read
 * @param interactionsPerSecond valid interactions over elapsed time
 * @param gateDecisions        fine-tuning candidates the gate accepted and quarantined
 * @param modelVersion         the model the model-runner scored candidates with, when it ran
 * @param triageDecisions      triage decisions, by action (one per pair and policy version)
 * @param jobs                 re-alignment jobs, by final state
 * @param groupSignalsOutOfOrder group signals judged outside event-time order, by reason
 *                             ({@code late}, {@code buffer_full}); zero when the order held
 * @param groupSignalsUntracked group signals of agents past {@code diffusion.max.agents} in their
 *                             group, which group detection did not track
 * @param rewardsLeftOut       compliant rewards left out of their agents' reward statistics as
 *                             glitches (an order of magnitude off the agent's usual pay)
 * @param policyRecordsRejected policy records dead-lettered: the versions before each stayed in force
 */
public record ReplaySummary(String cluster, Map<String, InputFile> inputs, Map<String, Long> recordsPerTopic,
                            long agents, long interactions, long violations, Map<String, Long> alertsByType,
                            long deadLetters, List<String> processors, List<String> notProcessed,
                            double elapsedSeconds, double interactionsPerSecond, Map<String, Long> gateDecisions,
                            String modelVersion, Map<String, Long> triageDecisions, Map<String, Long> jobs,
                            Map<String, Long> groupSignalsOutOfOrder, long groupSignalsUntracked,
                            long rewardsLeftOut, long policyRecordsRejected) {

    /** An input file, the topic its lines went to, and how many lines it had. */
    public record InputFile(String topic, long records) {
    }

    public long alerts() {
        return alertsByType.values().stream().mapToLong(Long::longValue).sum();
    }
}
