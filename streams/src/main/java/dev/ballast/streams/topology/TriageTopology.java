package dev.ballast.streams.topology;

import dev.ballast.events.EventJson;
import dev.ballast.events.JsonSerde;
import dev.ballast.events.Policy;
import dev.ballast.events.PreferencePair;
import dev.ballast.events.TriageDecision;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.DeadLetters;
import dev.ballast.streams.monitor.KeyedIntake;
import dev.ballast.streams.policy.PolicyCompiler;
import dev.ballast.streams.triage.PreferenceTriage;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * Triage of preference data: every pair is judged against the policy in force when it arrives,
 * and again against every later policy version.
 *
 * <p>Input topic: preferences (key pairId, value {@code PreferencePair}, read as bytes: bad
 * records, and pairs re-sent unchanged, are dead-lettered). Output topic: triage decisions (key
 * pairId, value {@code TriageDecision}, one per pair and policy version), the dead-letter topic. Internal
 * topics: {@value #PAIRS_BY_ID} (pairs whose record key was not their pairId) and
 * {@value #POLICY_BROADCAST} (every accepted policy version to every triage task, since each
 * task must re-triage the pairs it holds). State stores: {@value #PAIR_STORE} (pairId to pair)
 * {@value #POLICY_STORE} (every policy version seen) and {@value #RESCAN_STORE} (re-triages of the
 * stored pairs in progress, policy version to cursor).
 */
public final class TriageTopology {
    public static final String PAIRS_BY_ID = "preferences-by-pair";
    public static final String POLICY_BROADCAST = "triage-policy-broadcast";
    public static final String PAIR_STORE = "triage-pairs";
    public static final String POLICY_STORE = "triage-policy-versions";
    public static final String RESCAN_STORE = "triage-rescans";

    private TriageTopology() {
    }

    /**
     * Adds triage to {@code builder}.
     *
     * @param validPolicies accepted policy versions, before any broadcast
     * @param partitions    partition count of the preferences topic
     */
    public static void addTo(StreamsBuilder builder, BallastConfig config, KStream<String, Policy> validPolicies,
                             int partitions, BallastMetrics metrics) {
        BallastConfig.TopicNames topics = config.topics();
        KStream<String, TriageInput> pairs = KeyedIntake.byId(builder, topics.preferences(), "preference",
                        EventJson::readPreferencePair, PreferencePair::pairId, PreferencePair.class, PAIRS_BY_ID,
                        partitions, config, metrics)
                .mapValues(TriageInput.OfPair::new, Named.as("preference-input"));
        KStream<String, TriageInput> policies = KeyedIntake.broadcast(validPolicies, POLICY_BROADCAST, partitions)
                .mapValues(TriageInput.OfPolicy::new, Named.as("triage-policy-input"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PAIR_STORE),
                Serdes.String(), JsonSerde.of(PreferencePair.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POLICY_STORE),
                Serdes.String(), JsonSerde.of(Policy.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RESCAN_STORE),
                Serdes.String(), JsonSerde.of(TriageRescan.class)));
        PreferenceTriage triage = new PreferenceTriage();
        PolicyCompiler compiler = new PolicyCompiler(config.policyLimits());
        DeadLetters.divert(pairs.merge(policies, Named.as("triage-input"))
                        .process(() -> new TriageProcessor(triage, compiler, metrics, config.triageRescanBatch()),
                                Named.as("triage"), PAIR_STORE, POLICY_STORE, RESCAN_STORE), topics.dlq(), "repeated-pair")
                .mapValues(v -> ((TriageOutput.OfDecision) v).decision(), Named.as("decision-value"))
                .to(topics.triage(), Produced.with(Serdes.String(), JsonSerde.of(TriageDecision.class))
                        .withName("triage-sink"));
    }
}
