package dev.ballast.streams.topology;

import dev.ballast.events.Decoded;
import dev.ballast.events.GateDecision;
import dev.ballast.events.Policy;
import dev.ballast.events.ScoredCandidate;
import dev.ballast.streams.drift.AgentState;
import dev.ballast.streams.drift.AgentStateCodec;
import dev.ballast.streams.gate.FineTuneGate;
import dev.ballast.streams.gate.QuarantineSurge;
import dev.ballast.streams.gate.ScoreSketch;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.InputEnd;
import dev.ballast.streams.policy.CompiledPolicy;
import dev.ballast.streams.policy.LateVersions;
import dev.ballast.streams.policy.PolicyCompiler;
import dev.ballast.streams.policy.PolicyEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per-dataset glue around {@link FineTuneGate} and {@link QuarantineSurge}: keeps every policy
 * version ({@value GateTopology#POLICY_STORE}), one score sketch per dataset and model version
 * ({@value GateTopology#SKETCH_STORE}) and one surge detector state per dataset
 * ({@value GateTopology#SURGE_STORE}). While a dataset's surge episode is open its sketch takes no
 * new scores, so the threshold stays where it was before the surge.
 *
 * <p>Each decision reads the dataset's sketch as the candidates decided before it left it, so the
 * order matters, and pairs reach a dataset's task in an order that depends on how many partitions
 * the candidates came through and on when the model-runner scored them. So pairs wait in
 * {@value GateTopology#ORDER_STORE}, keyed by event time, and are decided in that order: in a live
 * run once one of them has been held {@code gate.order.grace.ms} of wall-clock time (with
 * everything that sorts before it), in a bounded run (replay, demo) all at once when its input has
 * ended, so that a replay's decisions are the same at any partition count and in every run.
 */
final class GateProcessor implements Processor<String, GateInput, String, GateOutput> {
    private final FineTuneGate gate;
    private final PolicyCompiler compiler;
    private final BallastMetrics metrics;
    private final Clock clock;
    private final InputEnd inputEnd;
    private ProcessorContext<String, GateOutput> context;
    private EventTimeBuffer<HeldPair> held;
    private KeyValueStore<String, Policy> policies;
    private KeyValueStore<String, byte[]> sketches;
    private KeyValueStore<String, byte[]> surges;
    private PolicyEngine engine;
    private QuarantineSurge surge;
    private final LateVersions lateVersions = new LateVersions("gate");

    /** A scored candidate waiting its turn, with the wall-clock time it arrived. */
    record HeldPair(ScoredPair pair, long receivedAtMs) {
    }

    GateProcessor(FineTuneGate gate, PolicyCompiler compiler, BallastMetrics metrics, Clock clock, InputEnd inputEnd) {
        this.gate = gate;
        this.compiler = compiler;
        this.metrics = metrics;
        this.clock = clock;
        this.inputEnd = inputEnd;
    }

    @Override
    public void init(ProcessorContext<String, GateOutput> context) {
        this.context = context;
        this.policies = context.getStateStore(GateTopology.POLICY_STORE);
        this.sketches = context.getStateStore(GateTopology.SKETCH_STORE);
        this.surges = context.getStateStore(GateTopology.SURGE_STORE);
        this.engine = new PolicyEngine();
        this.surge = new QuarantineSurge(gate.settings(), clock);
        try (KeyValueIterator<String, Policy> all = policies.all()) {
            all.forEachRemaining(kv -> compile(kv.value));
        }
        this.held = new EventTimeBuffer<>(context.getStateStore(GateTopology.ORDER_STORE), (byte) 0, HeldPair.class,
                metrics::gatePairsHeld);
        long grace = gate.settings().orderGraceMs();
        if (inputEnd.isBounded()) {
            context.schedule(Duration.ofMillis(100), PunctuationType.WALL_CLOCK_TIME, now -> releaseIfEnded());
        } else if (grace > 0 || held.held() > 0) {
            // Also without a grace now: pairs held under one before a restart are still decided.
            context.schedule(EventTimeBuffer.releaseInterval(grace), PunctuationType.WALL_CLOCK_TIME,
                    this::releaseDue);
        }
    }

    @Override
    public void close() {
        held.close();
    }

    private void releaseIfEnded() {
        if (inputEnd.ended() && held.held() > 0) {
            held.releaseAll((at, h) -> decide(h.pair(), at));
        }
    }

    /** Decides, in event-time order, every pair up to the last one held for the grace. */
    private void releaseDue(long nowMs) {
        if (held.held() > 0) {
            long due = nowMs - gate.settings().orderGraceMs();
            held.releaseThroughLast(h -> h.receivedAtMs() <= due, (at, h) -> decide(h.pair(), at));
        }
    }

    @Override
    public void process(Record<String, GateInput> record) {
        if (record.value() instanceof GateInput.OfPolicy p) {
            boolean seen = policies.get(p.policy().versionKey()) != null;
            policies.put(p.policy().versionKey(), p.policy());
            compile(p.policy());
            if (!seen && lateVersions.arrivedLate(p.policy())) {
                metrics.policyLate(lateVersions.processor());
            }
            return;
        }
        ScoredPair pair = ((GateInput.OfPair) record.value()).pair();
        if (inputEnd.isBounded() ? !inputEnd.ended() : gate.settings().orderGraceMs() > 0) {
            held.holdOnce(eventTime(pair), pair.candidate().sampleId(),
                    new HeldPair(pair, context.currentSystemTimeMs()));
            return;
        }
        releaseIfEnded();
        decide(pair, eventTime(pair));
    }

    /**
     * A candidate's time: its own timestamp if it carries one, else when it was produced; never
     * later than when it was produced, as for the trigger's alerts: a candidate stamped in year
     * 9999 would otherwise sort after every candidate to come, and each of those would be decided
     * "late".
     */
    private static long eventTime(ScoredPair pair) {
        return pair.candidate().timestamp() != null
                ? Math.min(pair.candidate().timestamp().toEpochMilli(), pair.timestampMillis())
                : pair.timestampMillis();
    }

    /**
     * Decides {@code pair} at its {@link #eventTime} (as held, the time its key sorts by); its
     * outputs carry the candidate's record time.
     */
    private void decide(ScoredPair pair, long eventTime) {
        long recordTimestamp = pair.timestampMillis();
        Instant at = Instant.ofEpochMilli(eventTime);
        if (held.handledLate(eventTime, pair.candidate().sampleId())) {
            metrics.gatePairLate();
        }
        ScoredCandidate score = pair.score();
        String sketchKey = null;
        ScoreSketch sketch = null;
        if (score != null && score.scored()) {
            sketchKey = pair.candidate().datasetId() + "\u0000" + score.modelVersion();
            byte[] stored = sketches.get(sketchKey);
            sketch = stored == null ? ScoreSketch.empty(gate.settings().sketchK()) : ScoreSketch.fromBytes(stored);
        }
        GateDecision decision = gate.decide(pair.candidate(), score, sketch, engine, at,
                Instant.ofEpochMilli(recordTimestamp));
        lateVersions.judged(eventTime);
        String dataset = decision.datasetId();
        byte[] surgeBytes = surges.get(dataset);
        AgentState state = surgeBytes == null ? new AgentState() : AgentStateCodec.decode(surgeBytes);
        // While a surge is open the dataset's threshold is frozen: a poisoned batch must not raise
        // its own bar by filling the sketch with its high-gradient samples.
        if (sketch != null && !state.inEpisode()) {
            sketches.put(sketchKey, sketch.toBytes());
        }
        metrics.gateDecision(decision);
        context.forward(new Record<>(decision.sampleId(), new GateOutput.OfDecision(decision), recordTimestamp));
        surge.observe(state, decision, at).ifPresent(alert -> {
            metrics.alert(alert, context.currentSystemTimeMs() - recordTimestamp);
            context.forward(new Record<>(dataset, new GateOutput.OfAlert(alert), recordTimestamp));
        });
        surges.put(dataset, AgentStateCodec.encode(state));
    }

    private void compile(Policy policy) {
        // Intake validated it; a rejection here can only come from a policy limit lowered since.
        if (compiler.compile(policy) instanceof Decoded.Ok<CompiledPolicy> ok) {
            engine.add(ok.value());
        }
    }
}
