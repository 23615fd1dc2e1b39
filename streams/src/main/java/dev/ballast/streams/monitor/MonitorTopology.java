package dev.ballast.streams.monitor;

import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import dev.ballast.events.JsonSerde;
import dev.ballast.events.Policy;
import dev.ballast.events.Alert;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.diffusion.GroupFeed;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.drift.AgentState;
import dev.ballast.streams.drift.AgentStateCodec;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.topology.GroupProcessor;
import dev.ballast.streams.kafka.HashKeyValueStore;
import dev.ballast.streams.kafka.TopicAdmin;
import dev.ballast.streams.kafka.WriteBehindStore;
import dev.ballast.streams.policy.PolicyCompiler;
import dev.ballast.streams.topology.GateTopology;
import dev.ballast.streams.topology.TriageTopology;
import dev.ballast.streams.topology.TriggerTopology;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor (and, added to the same topology, the fine-tuning gate): judges every interaction against the policy in force at its timestamp, runs
 * per-agent drift and tipping detection, and group-level diffusion detection.
 *
 * <p>Input topics: interactions (key agentId, value {@code Interaction}) and policy changes (key
 * policyId, value {@code Policy}), both read as raw bytes so nothing can fail to deserialise.
 * Output topics: alerts (key agentId for DRIFT and TIPPING, groupId for DIFFUSION; value
 * {@code Alert}) and the dead-letter topic (original key and bytes, reason in headers; an
 * interaction re-sent with the same eventId and timestamp, re-encoded as read). Internal
 * topics: {@value #POLICY_BROADCAST} (every accepted policy version copied to every partition),
 * {@value #REKEYED_INTERACTIONS} (interactions whose record key was not their agentId, re-keyed so
 * one task owns each agent) and {@value #GROUP_SIGNALS} (per-interaction signals of grouped agents,
 * keyed by groupId, and every monitor task's watermarks on every partition). State stores:
 * {@value #AGENT_STORE} (agentId to fixed-size detector state), {@value #POLICY_STORE} (every
 * accepted policy version), {@value #GROUP_STORE} (group headers and members) and
 * {@value #GROUP_ORDER_STORE} (group signals held until every monitor task has passed their event
 * time, and the tasks' watermarks).
 */
public final class MonitorTopology {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorTopology.class);
    public static final String AGENT_STORE = "agent-detector-state";
    public static final String POLICY_STORE = "policy-versions";
    public static final String POLICY_BROADCAST = "policy-broadcast";
    public static final String REKEYED_INTERACTIONS = "interactions-by-agent";
    public static final String GROUP_STORE = "group-state";
    public static final String GROUP_SIGNALS = "group-signals";
    public static final String GROUP_ORDER_STORE = "group-event-order";

    private MonitorTopology() {
    }

    /**
     * The monitor and the fine-tuning gate ({@link GateTopology}) in one topology.
     *
     * @param layout   partition counts of the input topics; the monitor's internal topics get the
     *                 interactions topic's count so that each monitor task reads matching partitions
     * @param inputEnd how a bounded run says its input has ended (a live monitor never does)
     */
    public static Topology build(BallastConfig config, TopicAdmin.Layout layout, BallastMetrics metrics, Clock clock,
                                 InputEnd inputEnd) {
        int partitions = layout.interactions();
        BallastConfig.TopicNames topics = config.topics();
        StreamsBuilder builder = new StreamsBuilder();
        PolicyCompiler compiler = new PolicyCompiler(config.policyLimits());
        Consumed<byte[], byte[]> raw = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());

        KStream<String, Intake<Policy>> policyIntake = builder
                .stream(topics.policies(), raw.withName("policies-source"))
                .process(() -> new IntakeProcessor<>(new PolicyDecoder(compiler), Policy::policyId, config.maxRecordBytes(), metrics),
                        Named.as("policy-intake"));
        Map<String, KStream<String, Intake<Policy>>> policyRoutes = policyIntake.split(Named.as("policy-"))
                .branch((k, v) -> v instanceof Intake.Valid<Policy>, Branched.as("valid"))
                .defaultBranch(Branched.as("invalid"));
        DeadLetters.to(policyRoutes.get("policy-invalid")
                .peek((k, v) -> rejected(k, v, metrics), Named.as("policy-rejected-count")), topics.dlq(), "policy");
        KStream<String, Policy> validPolicies = policyRoutes.get("policy-valid")
                .mapValues(v -> ((Intake.Valid<Policy>) v).value(), Named.as("policy-value"));
        KStream<String, MonitorInput> policies = KeyedIntake.broadcast(validPolicies, POLICY_BROADCAST, partitions)
                .<MonitorInput>mapValues(MonitorInput.OfPolicy::new, Named.as("policy-input"));

        KStream<String, Interaction> interactions = KeyedIntake.byId(builder, topics.interactions(), "interaction",
                EventJson::readInteraction, Interaction::agentId, Interaction.class, REKEYED_INTERACTIONS, partitions,
                config, metrics);

        builder.addStateStore(agentStore(config.agentStore(), AGENT_STORE, config.agentCacheAgents()));
        builder.addStateStore(policyStore());
        AgentMonitor agentMonitor = new AgentMonitor(config.monitorSettings());
        Produced<String, Alert> toAlerts = Produced.with(Serdes.String(), JsonSerde.of(Alert.class));
        Map<String, KStream<String, MonitorOutput>> outputs = DeadLetters.divert(interactions
                        .<MonitorInput>mapValues(MonitorInput.OfInteraction::new, Named.as("interaction-input"))
                        .merge(policies, Named.as("monitor-input"))
                        .process(() -> new MonitorProcessor(agentMonitor, compiler, config.reorder(),
                                        config.eventMaxAheadMs(), config.agentCacheAgents(), inputEnd, metrics, clock),
                                Named.as("monitor"), AGENT_STORE, POLICY_STORE), topics.dlq(), "rejected-interaction")
                .split(Named.as("monitor-"))
                .branch((k, v) -> v instanceof MonitorOutput.OfAlert, Branched.as("alert"))
                .defaultBranch(Branched.as("signal"));
        outputs.get("monitor-alert").mapValues(v -> ((MonitorOutput.OfAlert) v).alert(), Named.as("agent-alert"))
                .to(topics.alerts(), toAlerts.withName("agent-alerts-sink"));

        // Cached like the agent store: a group's header and members are rewritten by every member's signal.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GROUP_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GROUP_ORDER_STORE),
                Serdes.Bytes(), Serdes.ByteArray()));
        outputs.get("monitor-signal").mapValues(v -> ((MonitorOutput.ToGroups) v).feed(), Named.as("group-feed"))
                .repartition(Repartitioned.<String, GroupFeed>as(GROUP_SIGNALS)
                        .withKeySerde(Serdes.String()).withValueSerde(GroupFeedSerde.create())
                        .withNumberOfPartitions(partitions).withStreamPartitioner(new GroupFeedPartitioner()))
                .process(() -> new GroupProcessor(GROUP_STORE, GROUP_ORDER_STORE, config.diffusion(), config.reorder(),
                                partitions, metrics, clock),
                        Named.as("group-monitor"), GROUP_STORE, GROUP_ORDER_STORE)
                .to(topics.alerts(), toAlerts.withName("group-alerts-sink"));
        GateTopology.addTo(builder, config, validPolicies, layout.candidates(), partitions, metrics, clock, inputEnd);
        TriageTopology.addTo(builder, config, validPolicies, layout.preferences(), metrics);
        TriggerTopology.addTo(builder, config, inputEnd, metrics);
        return builder.build();
    }

    /** Counts and logs a refused policy record: its author expects rules that are not in force. */
    private static void rejected(String key, Intake<Policy> record, BallastMetrics metrics) {
        metrics.policyRejected();
        LOG.warn("policy record (key {}) dead-lettered, so the versions before it stay in force: {}", key,
                ((Intake.Invalid<Policy>) record).reason());
    }

    /**
     * The agent store {@code name} of the kind {@code kind}, written behind ({@link WriteBehindStore}):
     * an agent judged several times between two commits (any catch-up) reaches the store and the
     * changelog once per commit, not once per interaction, and no put walks Kafka's sorted record
     * cache. At most {@code held} agents wait for the commit (0: each is written at once).
     * RocksDB: any number of agents. In memory (opt-in, {@code monitor.agent.store}): no RocksDB
     * work per commit, for heap per agent and a restore of the whole changelog at every start.
     */
    private static StoreBuilder<KeyValueStore<String, AgentState>> agentStore(BallastConfig.AgentStore kind,
                                                                             String name, int held) {
        // A hash map, not Kafka's sorted one: agents are looked up by id, and walked in no order.
        KeyValueBytesStoreSupplier supplier = kind == BallastConfig.AgentStore.IN_MEMORY
                ? HashKeyValueStore.supplier(name) : Stores.persistentKeyValueStore(name);
        // Held as objects and encoded at the commit: once per agent and commit, not per interaction.
        Serde<AgentState> states = Serdes.serdeFrom(
                (topic, state) -> state == null ? null : AgentStateCodec.encode(state),
                (topic, bytes) -> bytes == null ? null : AgentStateCodec.decode(bytes));
        return WriteBehindStore.builder(Stores.keyValueStoreBuilder(supplier, Serdes.String(), states), held);
    }

    private static StoreBuilder<KeyValueStore<String, Policy>> policyStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POLICY_STORE), Serdes.String(),
                JsonSerde.of(Policy.class));
    }
}
