package dev.ballast.model.realign;

import ai.djl.Device;
import dev.ballast.events.TriageDecision;
import dev.ballast.model.BuiltinLm;
import dev.ballast.model.ModelStore;
import dev.ballast.model.lm.ContextLm;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Runs a job in this JVM with DJL, on the GPU when DJL finds one (see {@code DeviceChoice}):
 * loads the version in force twice (the copy to train and the frozen reference), builds the data,
 * measures the held-out figures, trains, measures again, saves the result as a new version and
 * puts it in force, so the scoring service switches to it between batches. Each version it saves
 * records the job and a digest of the data it learnt from; a job whose data is exactly what the
 * version in force was re-aligned on succeeds without training ({@value #ALREADY_ALIGNED}).
 */
public final class InJvmLauncher implements JobLauncher {
    /** Metric of a job that found the version in force already re-aligned on its exact data. */
    public static final String ALREADY_ALIGNED = "alreadyAligned";
    /** File in a re-aligned version's directory naming the job and the data it was trained on. */
    static final String LINEAGE = "realign.properties";
    private final ModelStore store;
    private final Device device;

    public InJvmLauncher(ModelStore store, Device device) {
        this.store = store;
        this.device = device;
    }

    @Override
    public String device() {
        return device.toString();
    }

    @Override
    public JobResult run(JobSpec spec, JobData data, BiConsumer<Map<String, Double>, String> progress) {
        String base = store.current().orElse(null);
        if (base == null) {
            return JobResult.failed("no model version in force in " + store.dir());
        }
        if (!BuiltinLm.isBuiltin(store.versionDir(base))) {
            return JobResult.failed("version " + base + " in " + store.dir() + " is not the built-in model, the only one "
                    + "the in-jvm launcher can re-align; for a model of your own (model.class), run your trainer with "
                    + "realign.launcher=command");
        }
        if (data.decisions().isEmpty()) {
            return JobResult.failed("no triage decisions for policy version " + spec.job().policyVersion()
                    + " on " + spec.job().datasetSelector().get("triageTopic"));
        }
        String trainedOn = dataDigest(spec.training(), data);
        Optional<String> alignedBy = alignedBy(base, trainedOn);
        if (alignedBy.isPresent()) {
            // Two triggers (a triage conflict count and an alert surge) often select the same
            // decisions: training the model that already learnt them again only drifts it.
            progress.accept(Map.of(), spec.job().jobId() + ": " + base + " was re-aligned on these same "
                    + data.decisions().size() + " decisions by " + alignedBy.get() + "; nothing new to learn, it stays in force");
            return new JobResult(true, base, new TreeMap<>(Map.of(ALREADY_ALIGNED, 1.0, "decisions",
                    (double) data.decisions().size())),
                    null);
        }
        long t0 = System.nanoTime();
        var layers = EnumSet.allOf(ContextLm.Layer.class);
        try (BuiltinLm reference = BuiltinLm.load(store.versionDir(base), device, layers);
             BuiltinLm policy = BuiltinLm.load(store.versionDir(base), device, layers)) {
            RealignSettings settings = spec.training();
            RealignDataBuilder.Built built = RealignDataBuilder.build(data.decisions(), data.pairs(), reference, settings);
            if (built.data().preferences().isEmpty() && built.data().unlearn().isEmpty()) {
                return JobResult.failed("none of the " + data.decisions().size() + " decisions has its preference pair");
            }
            Optional<String> unjudgeable = ModelAcceptance.unjudgeable(built.data(), data.decisions().stream()
                    .map(TriageDecision::policyVersion).distinct().sorted().collect(Collectors.joining(",")));
            if (unjudgeable.isPresent()) {
                return JobResult.failed("nothing trained: " + unjudgeable.get() + "; " + base + " stays in force");
            }
            PreferenceFigures before = PreferenceFigures.measure(reference, built.data());
            progress.accept(Map.of(), String.format(Locale.ROOT, "%s: %s; held-out before: preference accuracy %.3f, "
                            + "conflict accuracy %.3f, perplexity %.4f", spec.job().jobId(), built.counts(),
                    before.preferenceAccuracy(), before.conflictAccuracy(), before.perplexity()));
            new RealignTrainer(policy, reference, built.data(), settings).train((step, steps, loss, dpo, unlearn, kl) ->
                    progress.accept(new TreeMap<>(Map.of("step", (double) step, "steps", (double) steps, "loss", loss,
                            "dpoLoss", dpo, "unlearnLoss", unlearn, "anchorKl", kl)), null), Math.max(1, settings.steps() / 10));
            PreferenceFigures after = PreferenceFigures.measure(policy, built.data());
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("preferenceAccuracyBefore", before.preferenceAccuracy());
            metrics.put("preferenceAccuracyAfter", after.preferenceAccuracy());
            metrics.put("conflictAccuracyBefore", before.conflictAccuracy());
            metrics.put("conflictAccuracyAfter", after.conflictAccuracy());
            metrics.put("perplexityBefore", before.perplexity());
            metrics.put("perplexityAfter", after.perplexity());
            metrics.put("seconds", seconds);
            metrics.put("steps", (double) settings.steps());
            built.counts().forEach((k, v) -> metrics.put(k, v.doubleValue()));
            List<RealignDataBuilder.Conflict> top = built.ranked();
            if (!top.isEmpty()) {
                metrics.put("topImpact", top.get(0).impact());
            }
            Optional<String> rejected = ModelAcceptance.rejection(before, after, settings.maxPerplexityIncrease());
            if (rejected.isPresent()) {
                return new JobResult(false, null, metrics, "model not published: " + rejected.get()
                        + "; " + base + " stays in force");
            }
            String version = versionName(base, spec.job().jobId(), trainedOn);
            store.write(version, dir -> {
                BuiltinLm.save(dir, version, policy.model(), policy.block(), policy.vocabulary(),
                        "realign of " + base + " by " + spec.job().jobId(), seconds);
                Properties lineage = new Properties();
                lineage.setProperty("job", spec.job().jobId());
                lineage.setProperty("data", trainedOn);
                try (Writer w = Files.newBufferedWriter(dir.resolve(LINEAGE), StandardCharsets.UTF_8)) {
                    lineage.store(w, "what this version was re-aligned on");
                }
            });
            store.publish(version);
            return new JobResult(true, version, metrics, null);
        } catch (RuntimeException e) {
            return JobResult.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * The job that produced {@code version} from exactly the data {@code digest} names, if it was;
     * versions without a lineage file (the built-in model, a command launcher's) never match.
     */
    private Optional<String> alignedBy(String version, String digest) {
        Path file = store.versionDir(version).resolve(LINEAGE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties lineage = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lineage.load(r);
        } catch (IOException e) {
            // Unreadable lineage proves nothing: train, as for a version without one.
            return Optional.empty();
        }
        return digest.equals(lineage.getProperty("data")) ? Optional.ofNullable(lineage.getProperty("job", "an earlier job"))
                : Optional.empty();
    }

    /** SHA-256 of the training settings, the decisions (pair, version, action) and the pairs' texts. */
    static String dataDigest(RealignSettings training, JobData data) {
        MessageDigest sha = sha256();
        sha.update(String.valueOf(training).getBytes(StandardCharsets.UTF_8));
        data.decisions().stream().map(d -> d.pairId() + "\u0000" + d.policyVersion() + "\u0000" + d.action())
                .sorted().forEach(d -> sha.update(d.getBytes(StandardCharsets.UTF_8)));
        new java.util.TreeMap<>(data.pairs()).values().forEach(p -> sha.update((p.prompt() + "\u0000" + p.chosen()
                + "\u0000" + p.rejected()).getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * {@code <base>-r<digest of job, base and data digest>}: the same job on the same base and
     * data names the same version, and a different model never takes an existing version's name.
     */
    static String versionName(String base, String jobId, String dataDigest) {
        MessageDigest sha = sha256();
        sha.update((jobId + "\u0000" + base + "\u0000" + dataDigest).getBytes(StandardCharsets.UTF_8));
        // A re-aligned base keeps its root name: versions do not grow a suffix per job.
        String root = base.replaceFirst("-r[0-9a-f]{10}$", "");
        return root + "-r" + HexFormat.of().formatHex(sha.digest()).substring(0, 10);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
