package dev.ballast.streams.topology;

import dev.ballast.events.Alert;
import dev.ballast.events.Candidate;
import dev.ballast.events.EventJson;
import dev.ballast.events.GateDecision;
import dev.ballast.events.JsonSerde;
import dev.ballast.events.Policy;
import dev.ballast.events.ScoredCandidate;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.gate.FineTuneGate;
import dev.ballast.streams.gate.PendingSample;
import dev.ballast.streams.gate.SamplePairing;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.InputEnd;
import dev.ballast.streams.monitor.DeadLetters;
import dev.ballast.streams.monitor.Intake;
import dev.ballast.streams.monitor.IntakeProcessor;
import dev.ballast.streams.monitor.KeyedIntake;
import dev.ballast.streams.policy.PolicyCompiler;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The fine-tuning gate: every candidate ends exactly once in the accepted or the quarantined
 * topic, with reasons.
 *
 * <p>Input topics: candidates (key sampleId, value {@code Candidate}, read as bytes: bad records
 * are dead-lettered) and scored candidates (key sampleId, value {@code ScoredCandidate}, from the
 * model-runner; the two topics must have the same partition count so that a candidate and its
 * score meet in one task). Output topics: accepted and quarantined (key sampleId, value
 * {@code GateDecision}), alerts (GATE_SURGE, key datasetId), the dead-letter topic (bad records,
 * and copies of a sampleId already in the gate: see {@link SamplePairing}). Internal
 * topics: {@value #CANDIDATES_BY_SAMPLE} (candidates whose record key was not their sampleId),
 * {@value #BY_DATASET} (pairs re-keyed by datasetId, so one task owns each dataset's sketch) and
 * {@value #POLICY_BROADCAST} (every accepted policy version to every gate task; a topic of its
 * own keeps the gate's sub-topology apart from the monitor's). State stores:
 * {@value #PENDING_STORE} (sampleId to a candidate awaiting its score, or a score awaiting its
 * candidate; expired by stream-time punctuation), {@value #DECIDED_STORE} (window store: sampleId
 * to the content hash of what was decided, at its decision time, kept for the repeat window),
 * {@value #POLICY_STORE},
 * {@value #SKETCH_STORE} (dataset and model version to a t-digest of gradNorm),
 * {@value #SURGE_STORE} (dataset to its quarantine-share detector state) and {@value #ORDER_STORE}
 * (scored candidates held to be decided in event-time order: live for {@code gate.order.grace.ms},
 * in a bounded run until its input has ended).
 */
public final class GateTopology {
    public static final String CANDIDATES_BY_SAMPLE = "candidates-by-sample";
    public static final String BY_DATASET = "gate-by-dataset";
    public static final String POLICY_BROADCAST = "gate-policy-broadcast";
    public static final String PENDING_STORE = "gate-pending";
    public static final String DECIDED_STORE = "gate-decided";
    public static final String POLICY_STORE = "gate-policy-versions";
    public static final String SKETCH_STORE = "gate-score-sketches";
    public static final String SURGE_STORE = "gate-surge-state";
    public static final String ORDER_STORE = "gate-event-order";

    private GateTopology() {
    }

    /**
     * Adds the gate to {@code builder}.
     *
     * @param validPolicies       accepted policy versions, before any broadcast
     * @param candidatePartitions partition count of the candidates (and scored) topic
     * @param gatePartitions      partition count of the gate's per-dataset internal topics
     * @param inputEnd            how a bounded run says its input has ended (a live one never does)
     */
    public static void addTo(StreamsBuilder builder, BallastConfig config, KStream<String, Policy> validPolicies,
                             int candidatePartitions, int gatePartitions, BallastMetrics metrics, Clock clock,
                             InputEnd inputEnd) {
        BallastConfig.TopicNames topics = config.topics();
        Consumed<byte[], byte[]> raw = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());

        KStream<String, PairingInput> candidates = KeyedIntake.byId(builder, topics.candidates(), "candidate",
                        EventJson::readCandidate, Candidate::sampleId, Candidate.class, CANDIDATES_BY_SAMPLE,
                        candidatePartitions, config, metrics)
                .mapValues(PairingInput.OfCandidate::new, Named.as("candidate-input"));

        Map<String, KStream<String, Intake<ScoredCandidate>>> scores = builder
                .stream(topics.scored(), raw.withName("scored-source"))
                .process(() -> new IntakeProcessor<>(EventJson::readScoredCandidate, ScoredCandidate::sampleId,
                        config.maxScoredRecordBytes(), metrics), Named.as("score-intake"))
                .split(Named.as("score-"))
                .branch((k, v) -> v instanceof Intake.Invalid<ScoredCandidate>, Branched.as("invalid"))
                .defaultBranch(Branched.as("valid"));
        DeadLetters.to(scores.get("score-invalid"), topics.dlq(), "score");
        KStream<String, PairingInput> scored = scores.get("score-valid")
                .mapValues(v -> new PairingInput.OfScore(((Intake.Valid<ScoredCandidate>) v).value()),
                        Named.as("score-input"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE),
                Serdes.String(), JsonSerde.of(PendingSample.class)));
        Duration repeatWindow = Duration.ofMillis(config.gateRepeatWindowMs());
        // A decided sample is a point in time: 1 ms windows, kept for the repeat window (at least 1 ms).
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(DECIDED_STORE,
                Duration.ofMillis(Math.max(1, repeatWindow.toMillis())), Duration.ofMillis(1), false),
                Serdes.String(), Serdes.Long()));
        SamplePairing pairing = new SamplePairing(Duration.ofMillis(config.gateScoreTimeoutMs()), repeatWindow);
        KStream<String, GateInput> pairs = DeadLetters.divert(candidates.merge(scored, Named.as("pairing-input"))
                        .process(() -> new ScorePairingProcessor(pairing, metrics), Named.as("score-pairing"),
                                PENDING_STORE, DECIDED_STORE), topics.dlq(), "repeated-candidate")
                .mapValues(v -> ((PairingOutput.OfPair) v).pair(), Named.as("pair-value"))
                .repartition(Repartitioned.<String, ScoredPair>as(BY_DATASET)
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(ScoredPair.class))
                        .withNumberOfPartitions(gatePartitions))
                .mapValues(GateInput.OfPair::new, Named.as("pair-input"));
        KStream<String, GateInput> policies = KeyedIntake.broadcast(validPolicies, POLICY_BROADCAST, gatePartitions)
                .mapValues(GateInput.OfPolicy::new, Named.as("gate-policy-input"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POLICY_STORE),
                Serdes.String(), JsonSerde.of(Policy.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SKETCH_STORE),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SURGE_STORE),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ORDER_STORE),
                Serdes.Bytes(), Serdes.ByteArray()));
        FineTuneGate gate = new FineTuneGate(config.gate());
        PolicyCompiler compiler = new PolicyCompiler(config.policyLimits());
        Map<String, KStream<String, GateOutput>> outputs = pairs.merge(policies, Named.as("gate-input"))
                .process(() -> new GateProcessor(gate, compiler, metrics, clock, inputEnd), Named.as("gate"),
                        POLICY_STORE, SKETCH_STORE, SURGE_STORE, ORDER_STORE)
                .split(Named.as("gate-"))
                .branch((k, v) -> v instanceof GateOutput.OfAlert, Branched.as("alert"))
                .branch((k, v) -> v instanceof GateOutput.OfDecision d
                        && d.decision().decision() == GateDecision.Decision.ACCEPT, Branched.as("accepted"))
                .defaultBranch(Branched.as("quarantined"));
        Produced<String, GateDecision> decisions = Produced.with(Serdes.String(), JsonSerde.of(GateDecision.class));
        outputs.get("gate-accepted").mapValues(v -> ((GateOutput.OfDecision) v).decision(), Named.as("accepted-value"))
                .to(topics.accepted(), decisions.withName("accepted-sink"));
        outputs.get("gate-quarantined")
                .mapValues(v -> ((GateOutput.OfDecision) v).decision(), Named.as("quarantined-value"))
                .to(topics.quarantined(), decisions.withName("quarantined-sink"));
        outputs.get("gate-alert").mapValues(v -> ((GateOutput.OfAlert) v).alert(), Named.as("surge-alert"))
                .to(topics.alerts(), Produced.with(Serdes.String(), JsonSerde.of(Alert.class)).withName("surge-alerts-sink"));
    }
}
