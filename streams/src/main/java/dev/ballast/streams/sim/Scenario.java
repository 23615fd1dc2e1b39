package dev.ballast.streams.sim;

import java.util.List;

/**
 * A generated scenario: the JSONL lines of the replay contract, in produce order, and the truth.
 */
public record Scenario(List<String> policyLines, List<String> interactionLines, List<String> candidateLines,
                       List<String> preferenceLines, GroundTruth truth) {
}
