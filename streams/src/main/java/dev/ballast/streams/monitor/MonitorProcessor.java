package dev.ballast.streams.monitor;

import dev.ballast.events.DeadLetterHeaders;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Policy;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.drift.AgentState;
import dev.ballast.streams.drift.AgentStateCodec;
import dev.ballast.streams.diffusion.ReorderSettings;
import dev.ballast.streams.diffusion.Watermark;
import dev.ballast.streams.diffusion.WatermarkSchedule;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.policy.CompiledPolicy;
import dev.ballast.streams.policy.PolicyCompiler;
import dev.ballast.streams.policy.PolicyEngine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-task glue around {@link InteractionMonitor}: keeps every policy version in the
 * {@value MonitorTopology#POLICY_STORE} store (and compiled in memory), and each agent's detector
 * state in the {@value MonitorTopology#AGENT_STORE} store. Emits alerts keyed by agentId, for
 * grouped agents signals keyed by groupId, and the task's progress in event time
 * ({@link Watermark}s, on a {@link WatermarkSchedule}) for the group monitor to restore event-time
 * order across tasks. An interaction that repeats one of its agent's latest events (same eventId
 * and timestamp) goes to the dead-letter topic instead of being judged again.
 */
final class MonitorProcessor implements Processor<String, MonitorInput, String, MonitorOutput> {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorProcessor.class);
    /** Versions already reported late by some task of this process; bounded so it cannot grow without limit. */
    private static final Set<String> LATE_VERSIONS_LOGGED = ConcurrentHashMap.newKeySet();
    private static final int MAX_LATE_VERSIONS_LOGGED = 10_000;
    private final AgentMonitor agentMonitor;
    private final PolicyCompiler compiler;
    private final BallastMetrics metrics;
    private final Clock clock;
    private final ReorderSettings reorder;
    private final InputEnd inputEnd;
    private WatermarkSchedule watermarkSchedule;
    private ProcessorContext<String, MonitorOutput> context;
    private KeyValueStore<String, byte[]> agents;
    private KeyValueStore<String, Policy> policies;
    private InteractionMonitor monitor;
    /** This task's agents in an episode, as reported to the gauge. */
    private long inEpisode;
    /** Latest interaction timestamp this task has judged since it started (epoch ms). */
    private long latestJudgedMillis = Long.MIN_VALUE;

    MonitorProcessor(AgentMonitor agentMonitor, PolicyCompiler compiler, ReorderSettings reorder, InputEnd inputEnd,
                     BallastMetrics metrics, Clock clock) {
        this.agentMonitor = agentMonitor;
        this.reorder = reorder;
        this.inputEnd = inputEnd;
        this.compiler = compiler;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, MonitorOutput> context) {
        this.context = context;
        this.agents = context.getStateStore(MonitorTopology.AGENT_STORE);
        this.policies = context.getStateStore(MonitorTopology.POLICY_STORE);
        PolicyEngine engine = new PolicyEngine();
        try (KeyValueIterator<String, Policy> all = policies.all()) {
            all.forEachRemaining(kv -> compile(kv.value, engine));
        }
        this.monitor = new InteractionMonitor(engine, agentMonitor, clock);
        // The gauge counts this task's agents from their restored state, once, then by transitions.
        try (KeyValueIterator<String, byte[]> all = agents.all()) {
            all.forEachRemaining(kv -> inEpisode += AgentStateCodec.decode(kv.value).inEpisode() ? 1 : 0);
        }
        metrics.agentsInEpisode(inEpisode);
        watermarkSchedule = new WatermarkSchedule(context.taskId().partition(), reorder.watermarkIntervalMs(), reorder.idleMs(),
                context.currentSystemTimeMs());
        context.schedule(Duration.ofMillis(reorder.watermarkIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                now -> (inputEnd.ended() ? watermarkSchedule.onEnd() : watermarkSchedule.onTick(now))
                        .ifPresent(mark -> toGroups(mark, Math.max(0, context.currentStreamTimeMs()))));
    }

    /**
     * Sends a watermark stamped like the records around it (never with its event time: a user's
     * far-future timestamp would be refused by the broker).
     */
    private void toGroups(Watermark mark, long recordTimestamp) {
        context.forward(new Record<>(Integer.toString(mark.partition()), new MonitorOutput.ToGroups(mark),
                recordTimestamp));
    }

    @Override
    public void close() {
        metrics.agentsInEpisode(-inEpisode);
    }

    @Override
    public void process(Record<String, MonitorInput> record) {
        if (record.value() instanceof MonitorInput.OfPolicy p) {
            boolean seen = policies.get(p.policy().versionKey()) != null;
            policies.put(p.policy().versionKey(), p.policy());
            compile(p.policy(), monitor.policies());
            if (!seen) {
                reportIfLate(p.policy());
            }
            // Every task receives its broadcast copy; the one on partition 0 speaks for all. A
            // version sent again is not accepted again.
            if (!seen && context.taskId().partition() == 0) {
                metrics.policyAccepted();
            }
        } else if (record.value() instanceof MonitorInput.OfInteraction in) {
            String agentId = in.interaction().agentId();
            watermarkSchedule.onInteraction(in.interaction().timestamp().toEpochMilli(), context.currentSystemTimeMs())
                    .ifPresent(mark -> toGroups(mark, record.timestamp()));
            byte[] stored = agents.get(agentId);
            AgentState state = stored == null ? new AgentState() : AgentStateCodec.decode(stored);
            Optional<String> repeated = InteractionMonitor.repeated(in.interaction(), state);
            if (repeated.isPresent()) {
                deadLetter(record, in, repeated.get());
                return;
            }
            boolean wasInEpisode = state.inEpisode();
            InteractionMonitor.Outcome outcome = monitor.observe(in.interaction(), state);
            latestJudgedMillis = Math.max(latestJudgedMillis, in.interaction().timestamp().toEpochMilli());
            if (state.inEpisode() != wasInEpisode) {
                inEpisode += state.inEpisode() ? 1 : -1;
                metrics.agentsInEpisode(state.inEpisode() ? 1 : -1);
            }
            agents.put(agentId, AgentStateCodec.encode(state));
            metrics.interaction(outcome.verdict().violation());
            outcome.alert().ifPresent(alert -> {
                metrics.alert(alert.type(), context.currentSystemTimeMs() - record.timestamp());
                context.forward(new Record<>(agentId, new MonitorOutput.OfAlert(alert), record.timestamp()));
            });
            outcome.groupSignal().ifPresent(signal -> context.forward(
                    new Record<>(signal.groupId(), new MonitorOutput.ToGroups(signal), record.timestamp())));
        }
    }

    /**
     * Says so when a version arrives after this task judged interactions it governs: they were
     * judged by the version the task held, and are not judged again. Live, a version published with
     * the interactions it governs reaches the tasks a commit interval or more after them (it is
     * broadcast through an internal topic); so is one that takes effect in the past. Counted per
     * task, logged once per version in this process.
     */
    private void reportIfLate(Policy policy) {
        long lateMillis = latestJudgedMillis - policy.effectiveAt().toEpochMilli();
        if (latestJudgedMillis == Long.MIN_VALUE || lateMillis <= 0) {
            return;
        }
        metrics.policyLate();
        if (LATE_VERSIONS_LOGGED.size() < MAX_LATE_VERSIONS_LOGGED && LATE_VERSIONS_LOGGED.add(policy.versionKey())) {
            LOG.warn("policy {} (effective {}) reached the monitor after interactions up to {} s past that time had"
                    + " been judged by the previous version; publish a version before the interactions it governs",
                    policy.versionKey(), policy.effectiveAt(), String.format(Locale.ROOT, "%.1f", lateMillis / 1000.0));
        }
    }

    /**
     * Sends a repeated interaction to the dead-letter topic with the usual headers. Its original
     * bytes are not kept past intake, so the value is the interaction re-encoded as it was read.
     */
    private void deadLetter(Record<String, MonitorInput> record, MonitorInput.OfInteraction in, String reason) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        Headers headers = DeadLetterHeaders.add(new RecordHeaders(record.headers().toArray()), reason, meta.topic(),
                meta.partition(), meta.offset());
        metrics.deadLetter(meta.topic(), reason);
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        context.forward(new Record<>(record.key(), new MonitorOutput.ToDeadLetters(key, EventJson.write(in.interaction())),
                record.timestamp(), headers));
    }

    private void compile(Policy policy, PolicyEngine engine) {
        // Intake already validated this version, so a rejection here can only come from a policy
        // limit lowered since it was stored; the version is then left out, as intake would.
        if (compiler.compile(policy) instanceof Decoded.Ok<CompiledPolicy> ok) {
            engine.add(ok.value());
        }
    }
}
