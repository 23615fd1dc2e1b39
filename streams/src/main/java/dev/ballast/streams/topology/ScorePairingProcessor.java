package dev.ballast.streams.topology;

import dev.ballast.events.Candidate;
import dev.ballast.streams.gate.PendingSample;
import dev.ballast.streams.gate.SamplePairing;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.DeadLetters;
import dev.ballast.streams.monitor.Intake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Runs {@link SamplePairing} over candidates and scores (both keyed by sampleId, co-partitioned):
 * pairs go on keyed by datasetId, repeated copies of a candidate to the dead-letter topic. What
 * waits is in {@value GateTopology#PENDING_STORE}, scanned by stream-time punctuation, and stays
 * few; decided samples, which are many, are in {@value GateTopology#DECIDED_STORE}, a window store
 * whose retention is the repeat window, so they expire by whole segments and are never scanned.
 */
final class ScorePairingProcessor implements Processor<String, PairingInput, String, PairingOutput> {
    private final SamplePairing pairing;
    private final BallastMetrics metrics;
    private ProcessorContext<String, PairingOutput> context;
    private KeyValueStore<String, PendingSample> pending;
    private WindowStore<String, Long> decided;
    /** The one-off punctuation of {@link #markDecidedChangelog}. */
    private Cancellable marking;
    /** Candidates of this task waiting for their score, as reported to the waiting gauge. */
    private long waiting;

    ScorePairingProcessor(SamplePairing pairing, BallastMetrics metrics) {
        this.pairing = pairing;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, PairingOutput> context) {
        this.context = context;
        this.pending = context.getStateStore(GateTopology.PENDING_STORE);
        this.decided = context.getStateStore(GateTopology.DECIDED_STORE);
        try (KeyValueIterator<String, PendingSample> restored = pending.all()) {
            restored.forEachRemaining(kv -> waiting(kv.value, 1));
        }
        // Stream time, not wall time: a replayed backlog expires exactly as it did live.
        Duration every = Duration.ofMillis(Math.max(1_000, pairing.scoreTimeout().toMillis() / 10));
        context.schedule(every, PunctuationType.STREAM_TIME, this::expire);
        // Once, a second after the task starts: punctuations run only once a task is running.
        marking = context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME,
                now -> markDecidedChangelog());
    }

    /**
     * Gives an empty decided store a record in its changelog: a tombstone under the empty key, which
     * no sample can have (ids are never blank). Kafka Streams 4.3 keeps a window store's changelog
     * offset in its segments, and an empty store has none; under exactly-once a restart then finds
     * this task's stores without an offset, counts the task as corrupted, wipes it and rebalances,
     * logging an error, at every restart of a gate that has decided nothing yet. At the task's stream
     * time (0 before its first record), never later: a later time would expire decided samples early.
     */
    private void markDecidedChangelog() {
        marking.cancel();
        try (KeyValueIterator<Windowed<String>, Long> any = decided.all()) {
            if (!any.hasNext()) {
                decided.put("", null, Math.max(0, context.currentStreamTimeMs()));
            }
        }
    }

    @Override
    public void process(Record<String, PairingInput> record) {
        String sampleId = record.key();
        PendingSample current = pending.get(sampleId);
        if (current == null) {
            current = decided(sampleId);
        }
        SamplePairing.Step step = record.value() instanceof PairingInput.OfCandidate c
                ? pairing.onCandidate(current, c.candidate(), record.timestamp())
                : pairing.onScore(current, ((PairingInput.OfScore) record.value()).score(), record.timestamp());
        if (step instanceof SamplePairing.Reject reject) {
            deadLetter(record, ((PairingInput.OfCandidate) record.value()), reject.reason());
            return;
        }
        apply(sampleId, current, step);
    }

    private void expire(long streamTime) {
        List<KeyValue<String, PendingSample>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, PendingSample> all = pending.all()) {
            all.forEachRemaining(waiting::add);
        }
        waiting.forEach(kv -> pairing.onTime(kv.value, streamTime).ifPresent(step -> apply(kv.key, kv.value, step)));
    }

    private void waiting(PendingSample entry, long delta) {
        if (entry != null && entry.candidate() != null) {
            waiting += delta;
            metrics.candidatesWaiting(delta);
        }
    }

    @Override
    public void close() {
        // The task's candidates go with it (to another instance, or until restart): stop counting them here.
        metrics.candidatesWaiting(-waiting);
        waiting = 0;
    }

    /** The sample's decided entry within the repeat window of stream time, or null. */
    private PendingSample decided(String sampleId) {
        if (pairing.repeatWindow().isZero()) {
            return null;
        }
        long now = context.currentStreamTimeMs();
        long from = Math.max(0, now - pairing.repeatWindow().toMillis());
        PendingSample last = null;
        try (WindowStoreIterator<Long> it = decided.fetch(sampleId, from, now)) {
            while (it.hasNext()) {
                KeyValue<Long, Long> kv = it.next();
                last = PendingSample.decided(kv.value, kv.key);
            }
        }
        return last;
    }

    /** Stores what {@code step} leaves for the sample, where it belongs, and forwards a released pair. */
    private void apply(String sampleId, PendingSample current, SamplePairing.Step step) {
        PendingSample next = step.store();
        if (next != current) {
            waiting(current, -1);
            waiting(next, 1);
            if (next == null) {
                pending.delete(sampleId);
            } else if (next.isDecided()) {
                pending.delete(sampleId);
                decided.put(sampleId, next.contentHash(), next.decidedMillis());
            } else {
                pending.put(sampleId, next);
            }
        }
        if (step instanceof SamplePairing.Release r) {
            ScoredPair pair = new ScoredPair(r.candidate(), r.score(), r.sinceMillis());
            context.forward(new Record<>(r.candidate().datasetId(), new PairingOutput.OfPair(pair), r.sinceMillis()));
        }
    }

    private void deadLetter(Record<String, PairingInput> record, PairingInput.OfCandidate in, String reason) {
        Record<String, Intake.Invalid<Candidate>> letter = DeadLetters.afterIntake(record,
                context.recordMetadata().orElseThrow(), in.candidate(), reason, metrics);
        context.forward(letter.withValue(new PairingOutput.ToDeadLetters(letter.value())));
    }
}
