package dev.ballast.model.realign;

import java.util.Map;
import java.util.function.BiConsumer;

/** Runs one re-alignment job somewhere: in this JVM, or as a configured command. */
public interface JobLauncher {
    /** Where jobs run, for {@code JobStatus.device}. */
    String device();

    /**
     * Runs the job to its end. {@code progress} takes running metrics (step, loss, ...) and a
     * line for the log; a launcher that cannot report progress never calls it.
     */
    JobResult run(JobSpec spec, JobData data, BiConsumer<Map<String, Double>, String> progress);
}
