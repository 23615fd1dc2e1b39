package dev.ballast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.HashKeyValueStore;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The least an exactly-once Kafka Streams application does per record, in two strengths.
 * {@link Work#PARSE_AND_COUNT}: parse the JSON value and count it in a RocksDB store keyed by the
 * record key, cached by Kafka Streams' record cache (one state write per record, which the cache
 * turns into one changelog write per key and commit), as any Kafka Streams application would keep
 * it; or, when the monitor's agent store is in memory, in an uncached heap map. The monitor's own
 * agent store is written behind instead ({@code WriteBehindStore}), which this baseline does not
 * share: it stands for what Kafka Streams' standard stores cost. {@link Work#NONE}: read each record and
 * do nothing with it, no state, no output, so its rate is the ceiling of any exactly-once Kafka
 * Streams application on the machine, whatever it computes. Kafka Streams' defaults otherwise, but
 * for the monitor's producer batch size and stream threads. Run on the same topic as the monitor, the two separate
 * what the platform costs on this machine from what Ballast's own work adds.
 */
final class ExactlyOnceFloor {
    private static final String STORE = "counts";

    /** What the application does with each record. */
    enum Work {
        NONE("bench-read-only"),
        PARSE_AND_COUNT("bench-floor");

        final String applicationId;

        Work(String applicationId) {
            this.applicationId = applicationId;
        }
    }

    private ExactlyOnceFloor() {
    }

    /** A not yet started application reading {@code topic}. */
    static KafkaStreams create(Work work, BallastConfig.AgentStore store, String servers, String topic,
                               Path stateDir, int streamThreads) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, work.applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // The test broker runs one replica of everything.
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        // The batch size the monitor runs with, so the two differ only in the work per record.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), MonitorService.PRODUCER_BATCH_BYTES);
        // And its stream threads: the same share of the cores.
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        return new KafkaStreams(topology(work, store, topic), p);
    }

    private static Topology topology(Work work, BallastConfig.AgentStore store, String topic) {
        StreamsBuilder builder = new StreamsBuilder();
        if (work == Work.NONE) {
            builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())).process(Ignore::new);
            return builder.build();
        }
        builder.addStateStore(store == BallastConfig.AgentStore.IN_MEMORY
                ? Stores.keyValueStoreBuilder(HashKeyValueStore.supplier(STORE), Serdes.String(), Serdes.Long())
                : Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long())
                        .withCachingEnabled());
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray())).process(Counter::new, STORE);
        return builder.build();
    }

    /** Parses each value and counts it under its key; forwards nothing. */
    private static final class Counter implements Processor<String, byte[], Void, Void> {
        private static final ObjectMapper JSON = new ObjectMapper();
        private KeyValueStore<String, Long> counts;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            counts = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            try {
                JsonNode parsed = JSON.readTree(record.value());
                if (parsed.isObject()) {
                    Long seen = counts.get(record.key());
                    counts.put(record.key(), seen == null ? 1 : seen + 1);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("the benchmark's input is valid JSON", e);
            }
        }
    }

    /** Takes each record and leaves it. */
    private static final class Ignore implements Processor<byte[], byte[], Void, Void> {
        @Override
        public void process(Record<byte[], byte[]> record) {
            // Nothing: what remains is Kafka Streams' own per-record and per-commit cost.
        }
    }
}
