package dev.ballast.streams.topology;

import dev.ballast.events.Decoded;
import dev.ballast.events.Policy;
import dev.ballast.events.PreferencePair;
import dev.ballast.events.TriageDecision;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.policy.CompiledPolicy;
import dev.ballast.streams.policy.PolicyCompiler;
import dev.ballast.streams.policy.PolicyEngine;
import dev.ballast.streams.triage.PreferenceTriage;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Glue around {@link PreferenceTriage}: keeps every preference pair of its partitions
 * ({@value TriageTopology#PAIR_STORE}) and every policy version ({@value TriageTopology#POLICY_STORE}).
 * A new pair is triaged against each policy version in force at its record time; a policy
 * version seen for the first time re-triages every stored pair against it. A version seen again
 * (the policy topic re-read after a restart) triages nothing, so decisions are not repeated.
 */
final class TriageProcessor implements Processor<String, TriageInput, String, TriageDecision> {
    private final PreferenceTriage triage;
    private final PolicyCompiler compiler;
    private final BallastMetrics metrics;
    private ProcessorContext<String, TriageDecision> context;
    private KeyValueStore<String, PreferencePair> pairs;
    private KeyValueStore<String, Policy> policies;
    private PolicyEngine engine;

    TriageProcessor(PreferenceTriage triage, PolicyCompiler compiler, BallastMetrics metrics) {
        this.triage = triage;
        this.compiler = compiler;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, TriageDecision> context) {
        this.context = context;
        this.pairs = context.getStateStore(TriageTopology.PAIR_STORE);
        this.policies = context.getStateStore(TriageTopology.POLICY_STORE);
        this.engine = new PolicyEngine();
        try (KeyValueIterator<String, Policy> all = policies.all()) {
            all.forEachRemaining(kv -> compile(kv.value));
        }
    }

    @Override
    public void process(Record<String, TriageInput> record) {
        if (record.value() instanceof TriageInput.OfPolicy p) {
            if (policies.get(p.policy().versionKey()) != null) {
                return;
            }
            policies.put(p.policy().versionKey(), p.policy());
            CompiledPolicy compiled = compile(p.policy());
            if (compiled != null) {
                try (KeyValueIterator<String, PreferencePair> all = pairs.all()) {
                    all.forEachRemaining(kv -> emit(triage.triage(kv.value, compiled), record.timestamp()));
                }
            }
            return;
        }
        PreferencePair pair = ((TriageInput.OfPair) record.value()).pair();
        pairs.put(pair.pairId(), pair);
        for (CompiledPolicy policy : engine.inForce(Instant.ofEpochMilli(record.timestamp()))) {
            emit(triage.triage(pair, policy), record.timestamp());
        }
    }

    private void emit(TriageDecision decision, long timestamp) {
        metrics.triageDecision(decision);
        context.forward(new Record<>(decision.pairId(), decision, timestamp));
    }

    /** Intake validated it; a rejection here can only come from a policy limit lowered since: skipped, not fatal. */
    private CompiledPolicy compile(Policy policy) {
        if (compiler.compile(policy) instanceof Decoded.Ok<CompiledPolicy> ok) {
            engine.add(ok.value());
            return ok.value();
        }
        return null;
    }
}
