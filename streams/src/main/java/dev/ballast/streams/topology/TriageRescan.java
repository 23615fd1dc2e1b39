package dev.ballast.streams.topology;

/**
 * A re-triage of every stored pair against one new policy version, in progress: pairs are visited
 * in store key order, and {@code cursor} is the last pairId done (null before the first).
 * {@code timestamp} is the policy record's, given to the decisions it produces.
 */
record TriageRescan(String policyVersion, String cursor, long timestamp) {
}
