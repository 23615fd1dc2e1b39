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
 * the candidates came through and on when the model-runner scored them. A live gate decides each
 * pair as it arrives. A bounded run (replay, demo) holds them in {@value GateTopology#ORDER_STORE}
 * and decides them in event-time order once its input has ended, so that its decisions are the
 * same at any partition count and in every run.
 */
final class GateProcessor implements Processor<String, GateInput, String, GateOutput> {
    private final FineTuneGate gate;
    private final PolicyCompiler compiler;
    private final BallastMetrics metrics;
    private final Clock clock;
    private final InputEnd inputEnd;
    private ProcessorContext<String, GateOutput> context;
    private EventTimeBuffer<ScoredPair> held;
    private KeyValueStore<String, Policy> policies;
    private KeyValueStore<String, byte[]> sketches;
    private KeyValueStore<String, byte[]> surges;
    private PolicyEngine engine;
    private QuarantineSurge surge;
    private final LateVersions lateVersions = new LateVersions("gate");

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
        this.held = new EventTimeBuffer<>(context.getStateStore(GateTopology.ORDER_STORE), (byte) 0, ScoredPair.class,
                metrics::gatePairsHeld);
        if (inputEnd.isBounded()) {
            context.schedule(Duration.ofMillis(100), PunctuationType.WALL_CLOCK_TIME, now -> releaseIfEnded());
        }
    }

    @Override
    public void close() {
        held.close();
    }

    private void releaseIfEnded() {
        if (inputEnd.ended() && held.held() > 0) {
            held.releaseAll((at, pair) -> decide(pair, pair.timestampMillis()));
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
        if (inputEnd.isBounded()) {
            if (!inputEnd.ended()) {
                held.holdOnce(eventTime(pair), pair.candidate().sampleId(), pair);
                return;
            }
            releaseIfEnded();
        }
        decide(pair, record.timestamp());
    }

    /** A candidate's time: its own timestamp if it carries one, else when it was produced. */
    private static long eventTime(ScoredPair pair) {
        return pair.candidate().timestamp() != null ? pair.candidate().timestamp().toEpochMilli()
                : pair.timestampMillis();
    }

    /** @param recordTimestamp the output records' timestamp */
    private void decide(ScoredPair pair, long recordTimestamp) {
        ScoredCandidate score = pair.score();
        String sketchKey = null;
        ScoreSketch sketch = null;
        if (score != null && score.scored()) {
            sketchKey = pair.candidate().datasetId() + "\u0000" + score.modelVersion();
            byte[] stored = sketches.get(sketchKey);
            sketch = stored == null ? ScoreSketch.empty(gate.settings().sketchK()) : ScoreSketch.fromBytes(stored);
        }
        Instant at = Instant.ofEpochMilli(eventTime(pair));
        GateDecision decision = gate.decide(pair.candidate(), score, sketch, engine, at);
        lateVersions.judged(at.toEpochMilli());
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
            metrics.alert(alert.type(), context.currentSystemTimeMs() - recordTimestamp);
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
