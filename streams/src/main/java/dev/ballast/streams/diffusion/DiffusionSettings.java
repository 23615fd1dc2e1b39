package dev.ballast.streams.diffusion;

/**
 * How {@link GroupMonitor} judges a group.
 *
 * @param suspicionBudgetEvents false-alarm budget of the per-agent "suspected deviant" level
 * @param confirmEvents         consecutive suspected events before an agent counts as deviant
 * @param windowEvents          exposure window, in the target agent's own events: a deviant peer
 *                              it saw break a rule at most this long before its own first
 *                              violation of the turn can be its source
 * @param reproductionWindowEvents window of the reproduction estimate, in the same units
 * @param minTransmissions      attributed transmissions needed before a DIFFUSION alert
 * @param minReproduction       the reproduction estimate must exceed this
 * @param maxSpontaneousP       the turns while deviants were present must be this unlikely under
 *                              the group's own spontaneous turning hazard (1 turns the test off)
 * @param observationMemory     most recent peer observations kept per agent
 * @param maxAgents             most agents tracked per group
 * @param maxRecordBytes        most bytes of one record of the group store, whose changelog's
 *                              records are bounded: a group's header were every tracked member to
 *                              turn (a member that would pass it is counted, not tracked), and a
 *                              member's record (its oldest sightings of peers give way)
 */
public record DiffusionSettings(double suspicionBudgetEvents, int confirmEvents, int windowEvents, int reproductionWindowEvents,
                                int minTransmissions,
                                double minReproduction, double maxSpontaneousP, int observationMemory, int maxAgents,
                                long maxRecordBytes) {
}
