package dev.ballast.streams.monitor;

import dev.ballast.events.Decoded;
import dev.ballast.events.Interaction;
import dev.ballast.events.Policy;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.drift.AgentState;
import dev.ballast.streams.diffusion.ReorderSettings;
import dev.ballast.streams.diffusion.Watermark;
import dev.ballast.streams.diffusion.WatermarkSchedule;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.policy.CompiledPolicy;
import dev.ballast.streams.policy.LateVersions;
import dev.ballast.streams.policy.PolicyCompiler;
import dev.ballast.streams.policy.PolicyEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per-task glue around {@link InteractionMonitor}: keeps every policy version in the
 * {@value MonitorTopology#POLICY_STORE} store (and compiled in memory), and each agent's detector
 * state in the {@value MonitorTopology#AGENT_STORE} store. Emits alerts keyed by agentId, for
 * grouped agents signals keyed by groupId, and the task's progress in event time
 * ({@link Watermark}s, on a {@link WatermarkSchedule}) for the group monitor to restore event-time
 * order across tasks. An interaction that repeats one of its agent's latest events (same eventId
 * and timestamp), or is stamped too far after it was sent, goes to the dead-letter topic instead
 * of being judged.
 */
final class MonitorProcessor implements Processor<String, MonitorInput, String, MonitorOutput> {
    private final AgentMonitor agentMonitor;
    private final PolicyCompiler compiler;
    private final BallastMetrics metrics;
    private final Clock clock;
    private final ReorderSettings reorder;
    /** {@code event.max.ahead.ms}: how far after its record's time an interaction may be stamped. */
    private final long maxAheadMs;
    private final InputEnd inputEnd;
    private final int cachedAgents;
    private AgentStateCache cache;
    private WatermarkSchedule watermarkSchedule;
    private ProcessorContext<String, MonitorOutput> context;
    private KeyValueStore<String, AgentState> agents;
    private KeyValueStore<String, Policy> policies;
    private InteractionMonitor monitor;
    /** This task's agents in an episode, as reported to the gauge. */
    private long inEpisode;
    private final LateVersions lateVersions = new LateVersions("monitor");

    MonitorProcessor(AgentMonitor agentMonitor, PolicyCompiler compiler, ReorderSettings reorder, long maxAheadMs,
                     int cachedAgents, InputEnd inputEnd, BallastMetrics metrics, Clock clock) {
        this.agentMonitor = agentMonitor;
        this.cachedAgents = cachedAgents;
        this.maxAheadMs = maxAheadMs;
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
        // Anew at every initialisation: a task revived after a failure has had its store restored.
        this.cache = new AgentStateCache(cachedAgents);
        PolicyEngine engine = new PolicyEngine();
        try (KeyValueIterator<String, Policy> all = policies.all()) {
            all.forEachRemaining(kv -> compile(kv.value, engine));
        }
        this.monitor = new InteractionMonitor(engine, agentMonitor, clock);
        // The gauge counts this task's agents from their restored state, once, then by transitions.
        try (KeyValueIterator<String, AgentState> all = agents.all()) {
            all.forEachRemaining(kv -> inEpisode += kv.value.inEpisode() ? 1 : 0);
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
            if (!seen && lateVersions.arrivedLate(p.policy())) {
                metrics.policyLate(lateVersions.processor());
            }
            // Every task receives its broadcast copy; the one on partition 0 speaks for all. A
            // version sent again is not accepted again.
            if (!seen && context.taskId().partition() == 0) {
                metrics.policyAccepted();
            }
        } else if (record.value() instanceof MonitorInput.OfInteraction in) {
            Optional<String> ahead = InteractionMonitor.aheadOfRecord(in.interaction(), record.timestamp(), maxAheadMs);
            if (ahead.isPresent()) {
                deadLetter(record, in, ahead.get());
                return;
            }
            String agentId = in.interaction().agentId();
            watermarkSchedule.onInteraction(in.interaction().timestamp().toEpochMilli(), context.currentSystemTimeMs())
                    .ifPresent(mark -> toGroups(mark, record.timestamp()));
            AgentState state = state(agentId);
            Optional<String> repeated = InteractionMonitor.repeated(in.interaction(), state);
            if (repeated.isPresent()) {
                deadLetter(record, in, repeated.get());
                return;
            }
            boolean wasInEpisode = state.inEpisode();
            InteractionMonitor.Outcome outcome = monitor.observe(in.interaction(), state);
            lateVersions.judged(in.interaction().timestamp().toEpochMilli());
            if (state.inEpisode() != wasInEpisode) {
                inEpisode += state.inEpisode() ? 1 : -1;
                metrics.agentsInEpisode(state.inEpisode() ? 1 : -1);
            }
            agents.put(agentId, state);
            metrics.interaction(outcome.verdict().violation());
            if (state.rewardLeftOut()) {
                metrics.rewardLeftOut();
            }
            outcome.alert().ifPresent(alert -> {
                metrics.alert(alert, context.currentSystemTimeMs() - record.timestamp());
                context.forward(new Record<>(agentId, new MonitorOutput.OfAlert(alert), record.timestamp()));
            });
            outcome.groupSignal().ifPresent(signal -> context.forward(
                    new Record<>(signal.groupId(), new MonitorOutput.ToGroups(signal), record.timestamp())));
        }
    }

    /**
     * The agent's state as stored: held decoded in the cache, or else read from the store and held
     * from then on (the same object the caller changes and puts back, so the cache stays the store's).
     */
    private AgentState state(String agentId) {
        AgentState state = cache.get(agentId);
        if (state == null) {
            AgentState stored = agents.get(agentId);
            state = stored == null ? new AgentState() : stored;
            cache.put(agentId, state);
        }
        return state;
    }

    private void deadLetter(Record<String, MonitorInput> record, MonitorInput.OfInteraction in, String reason) {
        Record<String, Intake.Invalid<Interaction>> letter = DeadLetters.afterIntake(record,
                context.recordMetadata().orElseThrow(), in.interaction(), reason, metrics);
        context.forward(letter.withValue(new MonitorOutput.ToDeadLetters(letter.value())));
    }

    private void compile(Policy policy, PolicyEngine engine) {
        // Intake already validated this version, so a rejection here can only come from a policy
        // limit lowered since it was stored; the version is then left out, as intake would.
        if (compiler.compile(policy) instanceof Decoded.Ok<CompiledPolicy> ok) {
            engine.add(ok.value());
        }
    }
}
