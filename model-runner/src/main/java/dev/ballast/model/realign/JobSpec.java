package dev.ballast.model.realign;

import dev.ballast.events.RealignJob;

/**
 * What a launcher is given for one job, and what the command launcher writes to its spec file:
 * the job as the trigger created it, where the data and the models are, and how to train. A
 * command reads this file; nothing of it is ever placed on a command line.
 */
public record JobSpec(RealignJob job, String bootstrapServers, String statusTopic, String modelDir,
                      RealignSettings training) {
}
