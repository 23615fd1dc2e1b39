package dev.ballast.streams.config;

import dev.ballast.events.RedactedSettings;
import dev.ballast.events.Topics;
import dev.ballast.model.DeviceChoice;
import dev.ballast.model.ModelLoader;
import dev.ballast.model.ModelSetupException;
import ai.djl.Device;
import dev.ballast.model.ModelStore;
import dev.ballast.model.realign.CommandLauncher;
import dev.ballast.model.realign.InJvmLauncher;
import dev.ballast.model.realign.JobLauncher;
import dev.ballast.model.realign.RealignSettings;
import dev.ballast.model.service.ScoringSettings;
import dev.ballast.streams.drift.BernoulliCusum;
import dev.ballast.streams.drift.ChangeDetector;
import dev.ballast.streams.drift.MonitorSettings;
import dev.ballast.streams.drift.PageHinkley;
import dev.ballast.streams.drift.RewardDetection;
import dev.ballast.streams.drift.TippingRule;
import dev.ballast.streams.diffusion.DiffusionSettings;
import dev.ballast.streams.diffusion.ReorderSettings;
import dev.ballast.streams.gate.GateSettings;
import dev.ballast.streams.gate.ScoreSketch;
import dev.ballast.streams.policy.PolicyLimits;
import dev.ballast.streams.trigger.TriggerSettings;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Ballast's configuration, parsed and checked once at start-up. Sources, later ones winning:
 * built-in defaults, a Kafka-style properties file, then environment variables named
 * {@code BALLAST_} plus the key in upper case with dots as underscores
 * ({@code drift.warmup.events} is {@code BALLAST_DRIFT_WARMUP_EVENTS}). Keys starting with
 * {@code streams.} are handed to Kafka Streams without the prefix. Every problem is reported at
 * once, each naming its key.
 *
 * <p>{@code settings} holds every resolved key and value, defaults included; {@code sources} says
 * where each key not at its default was set (the file, an environment variable, a command's flag).
 */
public record BallastConfig(
        String bootstrapServers,
        String applicationId,
        Path stateDir,
        TopicNames topics,
        int topicPartitions,
        int gateTopicPartitions,
        short topicReplicationFactor,
        String detector,
        double falseAlarmBudgetEvents,
        int warmupEvents,
        double cusumShift,
        double moderateShift,
        double pageHinkleyDelta,
        double tippingMinRewardT,
        int tippingMinObservations,
        double tippingPaidShift,
        double tippingPaidSigma,
        PolicyLimits policyLimits,
        DiffusionSettings diffusion,
        ReorderSettings reorder,
        GateSettings gate,
        long gateScoreTimeoutMs,
        long gateRepeatWindowMs,
        ModelRunnerSettings modelRunner,
        int triageRescanBatch,
        TriggerSettings trigger,
        RealignConfig realign,
        int metricsPort,
        int maxRecordBytes,
        long eventMaxAheadMs,
        AgentStore agentStore,
        int agentCacheAgents,
        Map<String, String> streamsOverrides,
        Map<String, String> settings,
        Map<String, String> sources) {

    /** Every recognised key with its default and meaning; the README's configuration table. */
    public static final Map<String, String[]> KEYS = keys();
    public static final String ENV_PREFIX = "BALLAST_";
    /** Kafka's setting naming the config providers that resolve {@code ${provider:...}} references. */
    static final String CONFIG_PROVIDERS = org.apache.kafka.common.config.AbstractConfig.CONFIG_PROVIDERS_CONFIG;

    /** The largest {@code max.record.bytes} accepted: 100 MiB, ten times Kafka's usual ceiling for a record. */
    public static final int MAX_RECORD_BYTES_CEILING = 100 * 1_048_576;
    /**
     * Share of the false-alarm rate given to the moderate-rise CUSUM. Small, because the rises it
     * is for take tens of events to see anyway, where the extra evidence a tenth of the rate costs
     * it (ln 10 over the full budget) is a few events; the other statistics pay ln(1/0.9), a
     * tenth of one event.
     */
    static final double MODERATE_SHARE = 0.1;
    /**
     * The launcher's own variables (JVM options and extra jars for {@code ./ballast}), not
     * configuration keys.
     */
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("BALLAST_JAVA_OPTS", "BALLAST_CLASSPATH");

    private static Map<String, String[]> keys() {
        Map<String, String[]> k = new LinkedHashMap<>();
        k.put("bootstrap.servers", new String[]{"", "Kafka cluster; empty means the embedded broker (demo, replay)"});
        k.put("application.id", new String[]{"ballast-monitor", "Kafka Streams application id (consumer group, internal topic prefix)"});
        k.put("state.dir", new String[]{System.getProperty("java.io.tmpdir") + "/ballast-state", "Local state store directory"});
        k.put("topic.interactions", new String[]{Topics.INTERACTIONS, "Interaction logs (key agentId)"});
        k.put("topic.policies", new String[]{Topics.POLICY_CHANGES, "Compacted policy history (key policyId)"});
        k.put("topic.candidates", new String[]{Topics.FINETUNE_CANDIDATES, "Fine-tuning candidates (key sampleId)"});
        k.put("topic.preferences", new String[]{Topics.PREFERENCES, "Preference pairs (key pairId)"});
        k.put("topic.scored", new String[]{Topics.FINETUNE_SCORED, "Candidates with their gradient score (model-runner out, gate in)"});
        k.put("topic.accepted", new String[]{Topics.FINETUNE_ACCEPTED, "Candidates the gate accepted"});
        k.put("topic.quarantined", new String[]{Topics.FINETUNE_QUARANTINED, "Candidates the gate quarantined, with reasons"});
        k.put("topic.triage", new String[]{Topics.TRIAGE_DECISIONS, "Triage of preference pairs against policy versions"});
        k.put("topic.jobs", new String[]{Topics.REALIGN_JOBS, "Re-alignment jobs from the trigger (model-runner in)"});
        k.put("topic.status", new String[]{Topics.REALIGN_STATUS, "Re-alignment job status from model-runner"});
        k.put("topic.alerts", new String[]{Topics.ALERTS, "Alerts out"});
        k.put("topic.dlq", new String[]{Topics.DLQ, "Dead letters out"});
        k.put("max.record.bytes", new String[]{"1048576", "Largest input record accepted; larger ones are dead-lettered (their first 64 KiB kept) with the reason"});
        k.put("event.max.ahead.ms", new String[]{"86400000", "How far an interaction's timestamp may lie after its Kafka record's time (when it was sent); one stamped later is dead-lettered, since a far-future stamp would carry the group monitor's event time with it; 0 = no limit"});
        k.put("monitor.agent.store", new String[]{"rocksdb", "Where the monitor keeps each agent's detector state: rocksdb (on disk, written behind; any number of agents) or in-memory (on the heap, about 700 bytes per agent; 1.5 to 2.5 times the interactions/s when many agents' events interleave; the whole changelog is read back at every start)"});
        k.put("monitor.agent.cache.agents", new String[]{"4096", "Agents each monitor task holds on the heap: their detector state decoded (about 700 bytes each; the least recently judged dropped first), so an agent found there is judged without reading the agent store; and the states written since the last commit (the same objects), encoded once each at the commit into the store and its changelog, or all at once when more wait. 0 = none: every state is read from and written to the store at once"});
        k.put("topic.partitions", new String[]{"4", "Partitions for topics Ballast creates when missing"});
        k.put("topic.gate.partitions", new String[]{"0", "Partitions for the gate's topics (candidates, scored, accepted, quarantined) Ballast creates; 0 = topic.partitions. A live gate decides in event-time order only within gate.order.grace.ms, so one partition keeps its order closest to the candidates' when they lag further (replay and demo decide in event-time order at any count)"});
        k.put("topic.replication.factor", new String[]{"-1", "Replication for topics Ballast creates; -1 = broker default"});
        k.put("drift.detector", new String[]{"cusum", "Change detector on the violation indicator: cusum or page-hinkley"});
        k.put("drift.false.alarm.budget.events", new String[]{"1000000", "Expected in-control events per agent between false alarms; thresholds derive from it"});
        k.put("drift.warmup.events", new String[]{"50", "Events that form an agent's baseline before it can alert"});
        k.put("drift.cusum.shift", new String[]{"0.45", "Rise in violation rate the CUSUM is tuned to catch fastest"});
        k.put("drift.moderate.shift", new String[]{"0.15", "Rise in violation rate a second, slower CUSUM is tuned to, for rises too small for the first; it gets a tenth of the false-alarm budget; 0 turns it off"});
        k.put("drift.page.hinkley.delta", new String[]{"0.15", "Page-Hinkley tolerance above the baseline rate"});
        k.put("tipping.min.reward.t", new String[]{"3.0", "Welch t of violating over compliant reward needed to call drift tipping"});
        k.put("tipping.min.observations", new String[]{"3", "Rewarded violating and compliant events needed for the reward test"});
        k.put("tipping.paid.shift", new String[]{"0.3", "Rise in the rate of paid violations (violations paying more than complying) the reward-aware CUSUM catches fastest; 0 turns it off and the violation-rate CUSUM keeps the whole budget"});
        k.put("tipping.paid.sigma", new String[]{"2.0", "Compliant-reward standard deviations a violation's reward must exceed the compliant mean by to count as paid"});
        k.put("diffusion.suspicion.budget.events", new String[]{"5000", "False-alarm budget at which an agent counts as a suspected deviant for its group (no alert of its own)"});
        k.put("diffusion.confirm.events", new String[]{"1", "Consecutive suspected events before an agent counts as deviant for its group"});
        k.put("diffusion.window.events", new String[]{"3", "Exposure window: a peer seen breaking a rule at most this many of the target's events before its first violation of the turn can be the source"});
        k.put("diffusion.reproduction.window.events", new String[]{"30", "Window of the reproduction estimate (new attributed deviants per deviant present before it)"});
        k.put("diffusion.min.transmissions", new String[]{"2", "Attributed agent-to-agent transmissions needed for a DIFFUSION alert; with twice as many the reproduction estimate is not required"});
        k.put("diffusion.min.reproduction", new String[]{"1.0", "Reproduction estimate the group must exceed for a DIFFUSION alert, until twice diffusion.min.transmissions are attributed"});
        k.put("diffusion.max.spontaneous.p", new String[]{"0.05", "How unlikely the turns while deviants were present must be if the group's members turned on their own (binomial tail against the group's spontaneous turning hazard); 1 = off"});
        k.put("diffusion.observation.memory", new String[]{"64", "Most recent peer observations remembered per agent"});
        k.put("diffusion.max.agents", new String[]{"1000", "Most agents tracked per group; later agents are counted but not tracked"});
        k.put("diffusion.watermark.interval.ms", new String[]{"250", "Longest wall-clock time between a monitor task's event-time progress reports to the group monitor"});
        k.put("diffusion.idle.ms", new String[]{"2000", "Wall-clock time without interactions after which a monitor task reports itself idle to the group monitor"});
        k.put("diffusion.max.hold.ms", new String[]{"30000", "Wall-clock time the group monitor holds signals without progress before it stops waiting for idle monitor tasks; 0 = wait for every task (replay always does)"});
        k.put("diffusion.max.held.signals", new String[]{"1000000", "Most group signals held for event-time order per task; beyond it the oldest is judged early (counted)"});
        k.put("gate.keep.ratio", new String[]{"0.9", "Share of a dataset's candidates the gradient test keeps: accepted at or below this quantile of its gradNorm"});
        k.put("gate.max.median.ratio", new String[]{"3", "Most times its dataset's median gradNorm a candidate may score and still pass the gradient test, whatever the keep quantile says (it rises into the high-gradient samples once they are more than 1 - gate.keep.ratio of a dataset); 0 = off"});
        k.put("gate.warmup.samples", new String[]{"100", "Scores a dataset needs (per model version) before the gradient test runs; until then candidates are quarantined (WARMUP)"});
        k.put("gate.sketch.k", new String[]{"200", "Compression of the t-digest of gradNorm per dataset and model version: about k centroids (10 to 32767)"});
        k.put("gate.score.timeout.ms", new String[]{"600000", "Stream time a candidate waits for its score before it is quarantined (NO_SCORE)"});
        k.put("gate.order.grace.ms", new String[]{"10000", "Wall-clock time a live gate holds each scored candidate before deciding it, so that candidates reaching it a little later from other partitions are still decided in event-time order (a replay decides them all in that order at its end); 0 = decide on arrival"});
        k.put("gate.repeat.window.ms", new String[]{"3600000", "Stream time after its decision that a sampleId is remembered: a copy sent again within it is dead-lettered, not decided twice; 0 = only while it waits for its score"});
        k.put("gate.surge.budget.decisions", new String[]{"100000", "Expected decisions per dataset between false GATE_SURGE alerts"});
        k.put("gate.surge.shift", new String[]{"0.25", "Rise in a dataset's quarantine share the surge test is tuned to catch fastest"});
        k.put("gate.surge.warmup.decisions", new String[]{"200", "Decisions (after warm-up) that form a dataset's baseline quarantine share"});
        k.put("triage.rescan.batch", new String[]{"5000", "Stored pairs each triage task re-triages per step (every 200 ms) when a new policy version arrives; bounds the work in one transaction"});
        k.put("trigger.conflicts.min", new String[]{"50", "INVERT plus DISCARD triage decisions for one policy version that create a re-alignment job"});
        k.put("trigger.alerts.min", new String[]{"20", "TIPPING, DRIFT and DIFFUSION alerts under one policy version, within trigger.alerts.window.ms, that create a re-alignment job (at most 5,000)"});
        k.put("trigger.alerts.window.ms", new String[]{"3600000", "Event-time window of trigger.alerts.min (alerts' eventTimestamp)"});
        k.put("trigger.cooldown.ms", new String[]{"3600000", "Event time after a job before another job of the same reason (for another policy version) starts"});
        k.put("trigger.order.grace.ms", new String[]{"10000", "Wall-clock time a live trigger holds each alert and triage decision before counting it, so that alerts from partitions a little behind are counted in event-time order (a replay counts them all in that order at its end)"});
        k.put("realign.steps", new String[]{"300", "Optimiser steps of a re-alignment job"});
        k.put("realign.batch.pairs", new String[]{"32", "Preference pairs per step (discarded and neutral batches: half and the same)"});
        k.put("realign.learning.rate", new String[]{"0.001", "Adam's peak learning rate (cosine decay to 5%)"});
        k.put("realign.beta", new String[]{"2.0", "DPO temperature on length-normalised log-probabilities"});
        k.put("realign.max.perplexity.increase", new String[]{"0.10", "Largest relative rise of held-out neutral perplexity a re-aligned model may show and still be published"});
        k.put("realign.launcher", new String[]{"in-jvm", "How model-runner runs jobs: in-jvm (DJL, GPU when present) or command"});
        k.put("realign.command", new String[]{"", "Command of the command launcher, arguments separated by spaces; {spec} and {result} stand for the job spec and result files (never a shell: no quoting, no expansion)"});
        k.put("realign.work.dir", new String[]{System.getProperty("java.io.tmpdir") + "/ballast-jobs", "Where job spec and result files go"});
        k.put("model.dir", new String[]{System.getProperty("java.io.tmpdir") + "/ballast-models", "Model store: one directory per model version and CURRENT naming the one in force"});
        k.put("model.device", new String[]{"auto", "Where the model-runner computes: auto (GPU if DJL finds one), cpu or gpu"});
        k.put("model.batch.size", new String[]{"32", "Candidates per forward/backward pass"});
        k.put("model.grad.layers", new String[]{"0", "Score the gradient of the last k layers' parameters; 0 = all layers"});
        k.put("model.class", new String[]{"", "Your own ScoringModel implementation (fully qualified class name); empty = the built-in model"});
        k.put("model.group.id", new String[]{"ballast-model-runner", "Consumer group of the scoring service"});
        k.put("model.transactional.id", new String[]{"ballast-model-runner-0", "Transactional id of the scoring service's producer; unique per instance"});
        k.put("policy.max.rules", new String[]{"256", "Most rules in one policy version"});
        k.put("policy.max.pattern.length", new String[]{"1024", "Most characters in one RE2 pattern"});
        k.put("model.metrics.port", new String[]{"9465", "Port of /metrics for a standalone ./ballast model-runner (the monitor's is metrics.port); 0 any free port, -1 off"});
        k.put("metrics.port", new String[]{"9464", "Port of the Prometheus /metrics endpoint; 0 picks a free port, -1 disables it"});
        return java.util.Collections.unmodifiableMap(k);
    }

    /** Topic names in use. */
    public record TopicNames(String interactions, String policies, String candidates, String preferences,
                             String scored, String accepted, String quarantined, String triage, String jobs,
                             String status, String alerts, String dlq) {
    }

    public static BallastConfig defaults() {
        return parse(new Properties(), Map.of());
    }

    /** Reads a properties file (may be null) and applies environment overrides from {@code env}. */
    public static BallastConfig load(Path file, Map<String, String> env) {
        Properties props = new Properties();
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new ConfigException("config file " + file + ": not found or not readable");
            }
            try (var r = Files.newBufferedReader(file)) {
                // Windows editors start UTF-8 files with a byte order mark, which would become part of the first key.
                r.mark(1);
                if (r.read() != '\uFEFF') {
                    r.reset();
                }
                props.load(r);
            } catch (CharacterCodingException e) {
                throw new ConfigException("config file " + file + ": not UTF-8 text; save it as UTF-8");
            } catch (IOException e) {
                throw new ConfigException("config file " + file + ": " + e.getMessage());
            }
        }
        return parse(props, env);
    }

    public static BallastConfig parse(Properties props, Map<String, String> env) {
        return parse(props, env, key -> "file");
    }

    /**
     * @param propsSource where each key of {@code props} came from, named in problems with its
     *                    value; null for a default
     */
    private static BallastConfig parse(Properties props, Map<String, String> env,
                                       Function<String, String> propsSource) {
        Map<String, String> values = new TreeMap<>();
        KEYS.forEach((key, meta) -> values.put(key, meta[0]));
        List<String> problems = new ArrayList<>();
        Map<String, String> sources = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            put(values, sources, key, props.getProperty(key).trim(), propsSource.apply(key), problems);
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length() && !LAUNCHER_VARIABLES.contains(name)) {
                String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                put(values, sources, key, value.trim(), "environment " + name, problems);
            }
        });
        Fields reader = new Fields(values, sources, problems);
        String detector = reader.oneOf("drift.detector", "cusum", "page-hinkley");
        Map<String, String> streams = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("streams.")) {
                streams.put(k.substring("streams.".length()), v);
            }
        });
        int maxRecordBytes = reader.integer("max.record.bytes", 1_024, MAX_RECORD_BYTES_CEILING);
        BallastConfig config = new BallastConfig(
                values.get("bootstrap.servers"),
                reader.nonBlank("application.id"),
                reader.directory("state.dir"),
                new TopicNames(reader.nonBlank("topic.interactions"), reader.nonBlank("topic.policies"),
                        reader.nonBlank("topic.candidates"), reader.nonBlank("topic.preferences"),
                        reader.nonBlank("topic.scored"), reader.nonBlank("topic.accepted"),
                        reader.nonBlank("topic.quarantined"), reader.nonBlank("topic.triage"),
                        reader.nonBlank("topic.jobs"), reader.nonBlank("topic.status"),
                        reader.nonBlank("topic.alerts"),
                        reader.nonBlank("topic.dlq")),
                reader.integer("topic.partitions", 1, 10_000),
                reader.integer("topic.gate.partitions", 0, 10_000),
                (short) reader.integer("topic.replication.factor", -1, 32),
                detector,
                reader.decimal("drift.false.alarm.budget.events", 100, 1e12),
                reader.integer("drift.warmup.events", 10, 1_000_000),
                reader.decimal("drift.cusum.shift", 0.01, 0.95),
                reader.decimal("drift.moderate.shift", 0, 0.95),
                reader.decimal("drift.page.hinkley.delta", 0.01, 0.5),
                reader.decimal("tipping.min.reward.t", 0.1, 100),
                reader.integer("tipping.min.observations", 2, 10_000),
                reader.decimal("tipping.paid.shift", 0, 0.95),
                reader.decimal("tipping.paid.sigma", 0, 100),
                new PolicyLimits(reader.integer("policy.max.rules", 1, 100_000),
                        reader.integer("policy.max.pattern.length", 1, 100_000)),
                new DiffusionSettings(reader.decimal("diffusion.suspicion.budget.events", 20, 1e12),
                        reader.integer("diffusion.confirm.events", 1, 1_000),
                        reader.integer("diffusion.window.events", 1, 100_000),
                        reader.integer("diffusion.reproduction.window.events", 1, 100_000),
                        reader.integer("diffusion.min.transmissions", 1, 1_000),
                        reader.decimal("diffusion.min.reproduction", 0, 1_000),
                        reader.decimal("diffusion.max.spontaneous.p", 0, 1),
                        reader.integer("diffusion.observation.memory", 4, 10_000),
                        reader.integer("diffusion.max.agents", 2, 1_000_000),
                        // A group's header is one record, beside its key and headers, on a changelog
                        // that takes records up to max.record.bytes plus 64 KiB.
                        maxRecordBytes),
                new ReorderSettings(reader.integer("diffusion.watermark.interval.ms", 10, 60_000),
                        reader.integer("diffusion.idle.ms", 100, 3_600_000),
                        reader.integer("diffusion.max.hold.ms", 0, 86_400_000),
                        reader.integer("diffusion.max.held.signals", 100, 100_000_000)),
                gateSettings(reader),
                (long) reader.decimal("gate.score.timeout.ms", 1_000, 7 * 24 * 3_600_000.0),
                (long) reader.decimal("gate.repeat.window.ms", 0, 30 * 24 * 3_600_000.0),
                new ModelRunnerSettings(reader.directory("model.dir"),
                        reader.oneOf("model.device", "auto", "cpu", "gpu"),
                        reader.integer("model.batch.size", 1, 4_096),
                        reader.integer("model.grad.layers", 0, 1_000),
                        values.get("model.class"),
                        reader.nonBlank("model.group.id"),
                        reader.nonBlank("model.transactional.id"),
                        reader.integer("model.metrics.port", -1, 65_535)),
                reader.integer("triage.rescan.batch", 1, 1_000_000),
                new TriggerSettings((long) reader.decimal("trigger.conflicts.min", 1, 1e12),
                        // Each counted alert's id sits in the trigger's one state entry and in its job record.
                        reader.integer("trigger.alerts.min", 1, 5_000),
                        (long) reader.decimal("trigger.alerts.window.ms", 1, 1e13),
                        (long) reader.decimal("trigger.cooldown.ms", 0, 1e13),
                        (long) reader.decimal("trigger.order.grace.ms", 0, 86_400_000)),
                realignConfig(reader, values),
                reader.integer("metrics.port", -1, 65_535),
                maxRecordBytes,
                (long) reader.decimal("event.max.ahead.ms", 0, 1e13),
                reader.oneOf("monitor.agent.store", "rocksdb", "in-memory").equals("in-memory")
                        ? AgentStore.IN_MEMORY : AgentStore.ROCKSDB,
                reader.integer("monitor.agent.cache.agents", 0, 10_000_000),
                Map.copyOf(streams),
                Map.copyOf(values),
                Map.copyOf(sources));
        problems.addAll(StreamsSettingsCheck.problems(streams, sources));
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid configuration:\n  " + String.join("\n  ", problems));
        }
        return config;
    }

    private static GateSettings gateSettings(Fields reader) {
        double keep = reader.decimal("gate.keep.ratio", 0.01, 1);
        double medianRatio = reader.decimal("gate.max.median.ratio", 0, 1e6);
        if (medianRatio > 0 && medianRatio < 1) {
            // Under 1 it would quarantine most of every dataset, a typo for a keep ratio.
            reader.problems().add(reader.name("gate.max.median.ratio") + ": must be 0 (off) or at least 1 (got "
                    + medianRatio + ")");
            medianRatio = 0;
        }
        int warmup = reader.integer("gate.warmup.samples", 1, 10_000_000);
        int k = reader.integer("gate.sketch.k", ScoreSketch.MIN_K, ScoreSketch.MAX_K);
        double budget = reader.decimal("gate.surge.budget.decisions", 100, 1e12);
        double shift = reader.decimal("gate.surge.shift", 0.01, 0.95);
        int surgeWarmup = reader.integer("gate.surge.warmup.decisions", 10, 10_000_000);
        BernoulliCusum surge = new BernoulliCusum(shift, budget);
        // Decisions carry no reward, so the tipping test never applies to surges.
        return new GateSettings(keep, medianRatio, warmup, k, MonitorSettings.of(surge, surgeWarmup, new TippingRule(3.0, 3)),
                (long) reader.decimal("gate.order.grace.ms", 0, 86_400_000));
    }

    private static RealignConfig realignConfig(Fields reader, Map<String, String> values) {
        RealignSettings d = RealignSettings.DEFAULT;
        RealignSettings training = new RealignSettings(reader.integer("realign.steps", 1, 1_000_000),
                reader.integer("realign.batch.pairs", 1, 4_096), (float) reader.decimal("realign.learning.rate", 1e-7, 1),
                reader.decimal("realign.beta", 0.01, 100), d.preserveWeight(), d.unlearnWeight(), d.anchorWeight(),
                d.heldOutShare(), d.seed(), reader.decimal("realign.max.perplexity.increase", 0, 100));
        String launcher = reader.oneOf("realign.launcher", "in-jvm", "command");
        List<String> command = values.get("realign.command").isBlank() ? List.of()
                : List.of(values.get("realign.command").trim().split("\\s+"));
        if (launcher.equals("command") && command.isEmpty()) {
            reader.problems().add(reader.name("realign.command") + ": must name a command when realign.launcher=command");
        }
        return new RealignConfig(training, launcher, command, reader.directory("realign.work.dir"));
    }

    /** Which Kafka Streams store keeps the monitor's per-agent detector state (both changelogged). */
    public enum AgentStore {
        /** RocksDB on disk, written behind: state need not fit the heap. */
        ROCKSDB,
        /** A map on the heap: no RocksDB work per interaction; restored from its changelog at start. */
        IN_MEMORY
    }

    /**
     * How model-runner runs re-alignment jobs.
     *
     * @param launcher in-jvm or command
     * @param command  argv of the command launcher ({@code {spec}}, {@code {result}} replaced by file paths)
     */
    public record RealignConfig(RealignSettings training, String launcher, List<String> command, Path workDir) {
        /** The configured launcher; in-JVM jobs train from and publish to {@code store}. */
        public JobLauncher launcher(ModelStore store, Device device, Duration commandTimeout) {
            return launcher.equals("command") ? new CommandLauncher(command, workDir, commandTimeout)
                    : new InJvmLauncher(store, device);
        }
    }

    /**
     * The model-runner's settings.
     *
     * @param device      one of auto, cpu, gpu
     * @param metricsPort /metrics port of a standalone {@code ./ballast model-runner}
     */
    public record ModelRunnerSettings(Path dir, String device, int batchSize, int gradLayers, String modelClass,
                                      String groupId, String transactionalId, int metricsPort) {
    }

    /**
     * Stops a command that scores candidates before it starts anything, when {@code model.class}
     * names a class it cannot open: found later, the mistake cost a broker's start-up or a cluster
     * check first. Only such commands ask: a monitor sharing the file need not carry the model's jar.
     */
    public void requireScoringModel() {
        String modelClass = modelRunner.modelClass() == null ? "" : modelRunner.modelClass().trim();
        if (modelClass.isEmpty()) {
            return;
        }
        try {
            ModelLoader.userModel(modelClass);
        } catch (ModelSetupException e) {
            String why = e.getMessage().replaceFirst("^model\\.class \\S+ ", "");
            throw new ConfigException("invalid configuration:\n  " + named("model.class", sources) + ": " + modelClass
                    + " " + why + "; " + (why.startsWith("is not on the classpath") ? ModelLoader.WHERE_JARS_GO
                    : "see the README, Bring your own model"));
        }
    }

    /** The key, and where a value not the default came from: "drift.warmup.events (environment BALLAST_...)". */
    private static String named(String key, Map<String, String> sources) {
        String source = sources.get(key);
        return source == null ? key : key + " (" + source + ")";
    }

    private static void put(Map<String, String> values, Map<String, String> sources, String key, String value,
                            String source, List<String> problems) {
        if (!KEYS.containsKey(key) && !key.startsWith("streams.")) {
            String near = nearestKey(key);
            problems.add(key + " (" + source + "): unknown key; " + (near != null ? "did you mean " + near + "?"
                    : "known keys are " + String.join(", ", KEYS.keySet()) + ", and streams.* for Kafka Streams settings"));
            return;
        }
        values.put(key, value);
        if (source != null) {
            sources.put(key, source);
        }
    }

    /**
     * The known key a typo most likely meant: the only key that extends it ({@code drift.warmup}),
     * else the closest by edit distance if within a quarter of its length (at least 2), or null.
     * A list of 80 keys hides the one that was meant.
     */
    static String nearestKey(String key) {
        return nearest(key, KEYS.keySet());
    }

    /** {@link #nearestKey} among {@code keys}. */
    static String nearest(String key, Collection<String> keys) {
        List<String> extending = keys.stream().filter(k -> k.startsWith(key + ".")).toList();
        if (extending.size() == 1) {
            return extending.get(0);
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : keys) {
            int d = LevenshteinDistance.getDefaultInstance().apply(key, known);
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, best.length() / 4) ? best : null;
    }

    /**
     * Typed reads that collect problems instead of stopping at the first, each naming where its
     * value came from (the file, an environment variable or a flag), since a forgotten variable overrides
     * the file that the user is looking at.
     */
    private record Fields(Map<String, String> values, Map<String, String> sources, List<String> problems) {
        String name(String key) {
            return named(key, sources);
        }

        String nonBlank(String key) {
            String v = values.get(key);
            if (v == null || v.isBlank()) {
                problems.add(name(key) + ": must not be empty");
                return "unset";
            }
            return v;
        }

        /**
         * A directory Ballast writes into, made if missing: a file there, or a place this user
         * cannot write, is refused now rather than found by the first write, mid-run.
         */
        Path directory(String key) {
            String v = nonBlank(key);
            Path dir;
            try {
                dir = Path.of(v);
            } catch (InvalidPathException e) {
                problems.add(name(key) + ": not a path (" + e.getMessage() + ")");
                return Path.of("unset");
            }
            Path absolute = dir.toAbsolutePath().normalize();
            Path existing = absolute;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return dir;
            }
            if (!Files.isDirectory(existing)) {
                problems.add(name(key) + ": " + existing + " is a file, not a directory; give a directory (made if "
                        + "missing)");
            } else if (!Files.isWritable(existing)) {
                String where = existing.equals(absolute) ? existing + " is not writable"
                        : "cannot be made: " + existing + " is not writable";
                problems.add(name(key) + ": " + where + " by this user; give a directory it can write");
            }
            return dir;
        }

        String oneOf(String key, String... allowed) {
            String v = values.get(key);
            if (!Arrays.asList(allowed).contains(v)) {
                problems.add(name(key) + ": must be one of " + String.join(", ", allowed) + " (got '" + v + "')");
                return allowed[0];
            }
            return v;
        }

        int integer(String key, int min, int max) {
            return (int) number(key, min, max, Integer::parseInt, "an integer");
        }

        double decimal(String key, double min, double max) {
            return number(key, min, max, Double::parseDouble, "a number");
        }

        private double number(String key, double min, double max, Function<String, Number> parse, String what) {
            String v = values.get(key);
            try {
                double d = parse.apply(v).doubleValue();
                if (!(d >= min && d <= max)) {
                    problems.add(name(key) + ": must be between " + fmt(min) + " and " + fmt(max) + " (got " + v + ")");
                    return min;
                }
                return d;
            } catch (NumberFormatException e) {
                problems.add(name(key) + ": must be " + what + " (got '" + v + "')");
                return min;
            }
        }

        private static String fmt(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }

    /** True when no external cluster is configured and commands should start the embedded broker. */
    public boolean embedded() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }

    /**
     * This configuration with {@code key} set to {@code value} by the command itself (a per-run
     * application id, replay topic names), checked like any other source.
     */
    public BallastConfig with(String key, String value) {
        return with(key, value, "set by the command");
    }

    /**
     * This configuration with {@code key} set to {@code value} from {@code source} (a command's
     * flag, such as {@code --partitions}), checked like any other source and named in its problems.
     */
    public BallastConfig with(String key, String value, String source) {
        Properties props = new Properties();
        props.putAll(settings);
        props.setProperty(key, value);
        // Every other key keeps the source it was read from, for the problems a command's check names.
        return parse(props, Map.of(), k -> k.equals(key) ? source : sources.get(k));
    }

    /**
     * Largest request any Ballast producer sends and largest message its input and dead-letter
     * topics accept: {@code max.record.bytes} plus room for the key and headers, so that a record
     * at the limit reaches the intake (and a dead letter of it the DLQ) instead of failing at the
     * producer.
     */
    public int maxRequestBytes() {
        return maxRecordBytes + 64 * 1024;
    }

    /**
     * Largest score accepted on the scored topic: a score carries its candidate, which is at most
     * {@code max.record.bytes}, and its own few fields, whose room this adds (a dead letter of
     * one still fits in {@link #maxRequestBytes()} with its headers).
     */
    public int maxScoredRecordBytes() {
        return maxRecordBytes + ScoringSettings.SCORE_FIELDS_BYTES;
    }

    /** Every resolved setting, secrets hidden: a configuration may be printed, its credentials never. */
    @Override
    public String toString() {
        return "BallastConfig" + RedactedSettings.of(settings);
    }

    /**
     * The security settings among the {@code streams.*} keys, which every plain Kafka client also
     * needs, with the config providers that may resolve them ({@code ${file:...}} references).
     */
    public Map<String, String> clientOverrides() {
        Map<String, String> clients = new TreeMap<>();
        streamsOverrides.forEach((k, v) -> {
            // The config providers too: a secret given as ${file:...} must resolve in every client.
            if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")
                    || k.equals(CONFIG_PROVIDERS) || k.startsWith(CONFIG_PROVIDERS + ".")) {
                clients.put(k, v);
            }
        });
        return RedactedSettings.hiding(clients);
    }

    /** The scoring service's settings, with the Kafka client overrides. */
    public ScoringSettings scoringSettings() {
        Map<String, String> clients = clientOverrides();
        return new ScoringSettings(bootstrapServers, modelRunner.groupId(), modelRunner.transactionalId(),
                topics.candidates(), topics.scored(), modelRunner.batchSize(), Duration.ofMillis(200), modelRunner.dir(),
                DeviceChoice.parse(modelRunner.device()), modelRunner.gradLayers(), modelRunner.modelClass(),
                maxRecordBytes, maxRequestBytes(), clients);
    }

    /** The change detector this configuration selects, calibrated to its false-alarm budget. */
    public ChangeDetector changeDetector() {
        return changeDetector(falseAlarmBudgetEvents);
    }

    private ChangeDetector changeDetector(double budgetEvents) {
        return detector.equals("page-hinkley")
                ? new PageHinkley(pageHinkleyDelta, budgetEvents)
                : new BernoulliCusum(cusumShift, budgetEvents);
    }

    /**
     * How the monitor judges agents. The false-alarm rate 1/B the budget allows is split: a tenth
     * to the moderate-rise CUSUM (calibrated to 10B) when it is on, the rest to the rate CUSUM, or,
     * with reward-aware detection on, in halves to the rate CUSUM and the paid-violation CUSUM.
     * Alarms from any of several statistics come at most at the sum of their rates
     * ({@link RewardDetection}), so together they keep the budget.
     */
    public MonitorSettings monitorSettings() {
        double rest = moderateShift == 0 ? falseAlarmBudgetEvents : falseAlarmBudgetEvents / (1 - MODERATE_SHARE);
        MonitorSettings settings = MonitorSettings.of(changeDetector(rest), warmupEvents,
                new TippingRule(tippingMinRewardT, tippingMinObservations),
                changeDetector(Math.min(diffusion.suspicionBudgetEvents(), falseAlarmBudgetEvents)));
        if (moderateShift > 0) {
            settings = settings.withModerate(new BernoulliCusum(moderateShift, falseAlarmBudgetEvents / MODERATE_SHARE));
        }
        if (tippingPaidShift == 0) {
            return settings;
        }
        return settings.withReward(new RewardDetection(changeDetector(2 * rest),
                new BernoulliCusum(tippingPaidShift, 2 * rest), tippingPaidSigma));
    }
}
