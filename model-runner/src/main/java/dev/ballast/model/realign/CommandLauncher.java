package dev.ballast.model.realign;

import dev.ballast.events.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Runs a job as a configured command: for a Kubernetes Job ({@code kubectl create -f ...} from a
 * wrapper that waits), a Slurm batch ({@code sbatch --wait ...}), or anything else. The job spec is
 * written to a JSON file, and the command is started with its configured arguments, in which the
 * exact arguments {@code {spec}} and {@code {result}} become the spec file's and result file's
 * paths; nothing else is substituted and no shell is involved, so no text from an event (job id,
 * policy version) can become a command, an argument or shell syntax. Exit code 0 with a result file
 * is the command's own outcome; exit 0 without one is success without a new version; anything else
 * is failure, with the end of its output as the error.
 */
public final class CommandLauncher implements JobLauncher {
    public static final String SPEC = "{spec}";
    public static final String RESULT = "{result}";
    private final List<String> command;
    private final Path workDir;
    private final Duration timeout;

    public CommandLauncher(List<String> command, Path workDir, Duration timeout) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("the command launcher needs a command");
        }
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.timeout = timeout;
    }

    @Override
    public String device() {
        return "command:" + Path.of(command.get(0)).getFileName();
    }

    /** The argv for one run: the configured arguments with the two placeholders replaced. */
    public List<String> argv(Path spec, Path result) {
        List<String> argv = new ArrayList<>(command.size());
        for (String arg : command) {
            argv.add(arg.equals(SPEC) ? spec.toString() : arg.equals(RESULT) ? result.toString() : arg);
        }
        return argv;
    }

    @Override
    public JobResult run(JobSpec spec, JobData data, BiConsumer<Map<String, Double>, String> progress) {
        // File names from a random id, never from the job id: event text names no file.
        String run = UUID.randomUUID().toString();
        Path specFile = workDir.resolve("job-" + run + ".json");
        Path resultFile = workDir.resolve("job-" + run + ".result.json");
        Path output = workDir.resolve("job-" + run + ".log");
        try {
            Files.createDirectories(workDir);
            Files.write(specFile, EventJson.write(spec));
            List<String> argv = argv(specFile, resultFile);
            progress.accept(Map.of(), spec.job().jobId() + ": running " + argv + ", output in " + output);
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return JobResult.failed("command did not finish within " + timeout + "; output in " + output);
            }
            int exit = process.exitValue();
            if (exit != 0) {
                return JobResult.failed("command exited with " + exit + ": " + tail(output));
            }
            if (Files.isRegularFile(resultFile)) {
                return EventJson.LENIENT.readValue(resultFile.toFile(), JobResult.class);
            }
            return new JobResult(true, null, Map.of(), null);
        } catch (IOException e) {
            return JobResult.failed("cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JobResult.failed("interrupted");
        }
    }

    private static String tail(Path output) throws IOException {
        String text = Files.readString(output, StandardCharsets.UTF_8).strip();
        return text.length() <= 500 ? text : "..." + text.substring(text.length() - 500);
    }
}
