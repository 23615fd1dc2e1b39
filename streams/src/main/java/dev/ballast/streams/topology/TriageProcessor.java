package dev.ballast.streams.topology;

import dev.ballast.events.Decoded;
import dev.ballast.events.Policy;
import dev.ballast.events.PreferencePair;
import dev.ballast.events.TriageDecision;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.DeadLetters;
import dev.ballast.streams.monitor.Intake;
import dev.ballast.streams.policy.CompiledPolicy;
import dev.ballast.streams.policy.PolicyCompiler;
import dev.ballast.streams.policy.PolicyEngine;
import dev.ballast.streams.triage.PreferenceTriage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Glue around {@link PreferenceTriage}: keeps every preference pair of its partitions
 * ({@value TriageTopology#PAIR_STORE}) and every policy version ({@value TriageTopology#POLICY_STORE}).
 * A new pair is triaged against each policy version in force at its record time and each known
 * version that takes effect later (as a stored pair is when such a version arrives); a policy
 * version seen for the first time re-triages every stored pair against it. A version seen again
 * unchanged (the policy topic re-read after a restart) triages nothing, so decisions are not
 * repeated. A version re-published with other content replaces the stored one, as it does for the
 * monitor and the gate, and re-triages every stored pair against it (its decisions supersede the
 * old ones): left on the first copy, triage judged preferences by rules the monitor had replaced.
 *
 * <p>A re-triage runs in steps of {@code rescanBatch} pairs, one step per {@value #STEP_MS} ms of
 * wall-clock time, with its cursor in {@value TriageTopology#RESCAN_STORE}: a store of millions of
 * pairs would otherwise be re-triaged inside one record's processing, one transaction that
 * outlives the exactly-once transaction timeout and is retried forever. The cursor commits with
 * the decisions, so a restart resumes where the last committed step ended. The first step runs
 * as the version arrives, so a store within one step is re-triaged at once, as before. A pair
 * that arrives while a re-triage has not reached it is left to the re-triage, so it is triaged
 * once. {@code ballast_triage_rescans_pending} counts the re-triages still running.
 *
 * <p>A pair sent again with the content stored for its pairId is dead-lettered, not triaged again:
 * its decisions exist, and counting them twice would bring a re-alignment job nearer on no new
 * evidence. A pair with new content under a stored pairId replaces it and is triaged again (its
 * decisions supersede the old ones).
 */
final class TriageProcessor implements Processor<String, TriageInput, String, TriageOutput> {
    static final long STEP_MS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(TriageProcessor.class);
    private final PreferenceTriage triage;
    private final PolicyCompiler compiler;
    private final BallastMetrics metrics;
    private final int rescanBatch;
    private final Map<String, CompiledPolicy> compiled = new HashMap<>();
    private ProcessorContext<String, TriageOutput> context;
    private KeyValueStore<String, PreferencePair> pairs;
    private KeyValueStore<String, Policy> policies;
    private KeyValueStore<String, TriageRescan> rescans;
    private PolicyEngine engine;
    /** Re-triages of this task in progress, as reported to the pending gauge. */
    private long pending;

    TriageProcessor(PreferenceTriage triage, PolicyCompiler compiler, BallastMetrics metrics, int rescanBatch) {
        this.triage = triage;
        this.compiler = compiler;
        this.metrics = metrics;
        this.rescanBatch = rescanBatch;
    }

    @Override
    public void init(ProcessorContext<String, TriageOutput> context) {
        this.context = context;
        this.pairs = context.getStateStore(TriageTopology.PAIR_STORE);
        this.policies = context.getStateStore(TriageTopology.POLICY_STORE);
        this.rescans = context.getStateStore(TriageTopology.RESCAN_STORE);
        this.engine = new PolicyEngine();
        try (KeyValueIterator<String, Policy> all = policies.all()) {
            all.forEachRemaining(kv -> compile(kv.value));
        }
        try (KeyValueIterator<String, TriageRescan> restored = rescans.all()) {
            long count = 0;
            for (; restored.hasNext(); restored.next()) {
                count++;
            }
            setPending(count);
        }
        context.schedule(Duration.ofMillis(STEP_MS), PunctuationType.WALL_CLOCK_TIME, now -> rescanStep());
    }

    @Override
    public void process(Record<String, TriageInput> record) {
        if (record.value() instanceof TriageInput.OfPolicy p) {
            if (p.policy().equals(policies.get(p.policy().versionKey()))) {
                return;
            }
            policies.put(p.policy().versionKey(), p.policy());
            CompiledPolicy policy = compile(p.policy());
            if (policy != null) {
                // The first step runs now: a store within one step is re-triaged as the version arrives.
                advance(new TriageRescan(policy.source().versionKey(), null, record.timestamp()));
            }
            return;
        }
        PreferencePair pair = ((TriageInput.OfPair) record.value()).pair();
        if (pair.equals(pairs.get(pair.pairId()))) {
            // Triaged already against every version it falls under, since re-triages cover stored pairs.
            Record<String, Intake.Invalid<PreferencePair>> letter = DeadLetters.afterIntake(record,
                    context.recordMetadata().orElseThrow(), pair, PreferenceTriage.REPEATED, metrics);
            context.forward(letter.withValue(new TriageOutput.ToDeadLetters(letter.value())));
            return;
        }
        pairs.put(pair.pairId(), pair);
        for (CompiledPolicy policy : engine.inForceOrLater(Instant.ofEpochMilli(record.timestamp()))) {
            TriageRescan pending = rescans.get(policy.source().versionKey());
            if (pending == null || !ahead(pair.pairId(), pending.cursor())) {
                emit(triage.triage(pair, policy), record.timestamp());
            }
        }
    }

    /** Advances the first pending re-triage (in version-key order). */
    private void rescanStep() {
        TriageRescan first;
        try (KeyValueIterator<String, TriageRescan> all = rescans.all()) {
            if (!all.hasNext()) {
                return;
            }
            first = all.next().value;
        }
        advance(first);
    }

    /**
     * Re-triages up to {@code rescanBatch} more pairs; stores the cursor, or removes the re-triage
     * once every stored pair is done.
     */
    private void advance(TriageRescan rescan) {
        CompiledPolicy policy = compiled.get(rescan.policyVersion());
        String name = policy == null ? rescan.policyVersion() : policy.tag();
        String last = rescan.cursor();
        int done = 0;
        boolean more = false;
        if (policy != null) {
            try (KeyValueIterator<String, PreferencePair> from = pairs.range(rescan.cursor(), null)) {
                while (done < rescanBatch && from.hasNext()) {
                    KeyValue<String, PreferencePair> kv = from.next();
                    if (kv.key.equals(rescan.cursor())) {
                        continue;
                    }
                    emit(triage.triage(kv.value, policy), rescan.timestamp());
                    last = kv.key;
                    done++;
                }
                more = from.hasNext();
            }
        }
        boolean stored = rescans.get(rescan.policyVersion()) != null;
        if (more) {
            if (!stored) {
                LOG.info("triage: re-triaging stored pairs against {} in steps of {}", name, rescanBatch);
                setPending(pending + 1);
            }
            rescans.put(rescan.policyVersion(), new TriageRescan(rescan.policyVersion(), last, rescan.timestamp()));
        } else if (stored) {
            rescans.delete(rescan.policyVersion());
            setPending(pending - 1);
            LOG.info("triage: stored pairs re-triaged against {}", name);
        }
    }

    private void setPending(long now) {
        metrics.triageRescans(now - pending);
        pending = now;
    }

    @Override
    public void close() {
        setPending(0);
    }

    /** Whether a re-triage at {@code cursor} has still to reach {@code pairId} (store order: UTF-8 bytes). */
    private static boolean ahead(String pairId, String cursor) {
        return cursor == null || Arrays.compareUnsigned(pairId.getBytes(StandardCharsets.UTF_8),
                cursor.getBytes(StandardCharsets.UTF_8)) > 0;
    }

    private void emit(TriageDecision decision, long timestamp) {
        metrics.triageDecision(decision);
        context.forward(new Record<>(decision.pairId(), new TriageOutput.OfDecision(decision), timestamp));
    }

    /** Intake validated it; a rejection here can only come from a policy limit lowered since: skipped, not fatal. */
    private CompiledPolicy compile(Policy policy) {
        if (compiler.compile(policy) instanceof Decoded.Ok<CompiledPolicy> ok) {
            engine.add(ok.value());
            compiled.put(ok.value().source().versionKey(), ok.value());
            return ok.value();
        }
        return null;
    }
}
