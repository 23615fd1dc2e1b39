package dev.ballast.streams.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Pairs each candidate with its score (both keyed by sampleId, co-partitioned) and forwards the
 * pair keyed by datasetId. A candidate whose score has not arrived after {@code timeout} of stream
 * time is forwarded without one (the gate quarantines it as NO_SCORE): the gate fails closed
 * rather than letting a candidate wait, or pass, unscored. A score that arrives first waits for
 * its candidate.
 */
final class ScorePairingProcessor implements Processor<String, PairingInput, String, ScoredPair> {
    private final Duration timeout;
    private ProcessorContext<String, ScoredPair> context;
    private KeyValueStore<String, PendingSample> pending;

    ScorePairingProcessor(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void init(ProcessorContext<String, ScoredPair> context) {
        this.context = context;
        this.pending = context.getStateStore(GateTopology.PENDING_STORE);
        // Stream time, not wall time: a replayed backlog expires exactly as it did live.
        Duration every = Duration.ofMillis(Math.max(1_000, timeout.toMillis() / 10));
        context.schedule(every, PunctuationType.STREAM_TIME, this::expire);
    }

    @Override
    public void process(Record<String, PairingInput> record) {
        String sampleId = record.key();
        PendingSample waiting = pending.get(sampleId);
        if (record.value() instanceof PairingInput.OfCandidate c) {
            if (waiting != null && waiting.score() != null) {
                pending.delete(sampleId);
                forward(new ScoredPair(c.candidate(), waiting.score(), record.timestamp()));
            } else {
                pending.put(sampleId, new PendingSample(c.candidate(), null, record.timestamp()));
            }
        } else if (record.value() instanceof PairingInput.OfScore s) {
            if (waiting != null && waiting.candidate() != null) {
                pending.delete(sampleId);
                forward(new ScoredPair(waiting.candidate(), s.score(), waiting.sinceMillis()));
            } else {
                pending.put(sampleId, new PendingSample(null, s.score(), record.timestamp()));
            }
        }
    }

    private void expire(long streamTime) {
        List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, PendingSample> all = pending.all()) {
            while (all.hasNext()) {
                var kv = all.next();
                PendingSample p = kv.value;
                if (p.sinceMillis() + timeout.toMillis() > streamTime) {
                    continue;
                }
                done.add(kv.key);
                if (p.candidate() != null) {
                    forward(new ScoredPair(p.candidate(), null, p.sinceMillis()));
                }
                // A score whose candidate never came (deleted by retention before it was read) is dropped
                // with its wait: there is no candidate to decide.
            }
        }
        done.forEach(pending::delete);
    }

    private void forward(ScoredPair pair) {
        context.forward(new Record<>(pair.candidate().datasetId(), pair, pair.timestampMillis()));
    }
}
