package dev.ballast.model.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * A Kafka client's meters (Micrometer's {@link KafkaClientMetrics}) in a shared registry under a
 * name prefix of their own, e.g. {@code ballast.realign.kafka.consumer.*}. Micrometer's Kafka
 * binder keeps, per meter name, only the variant with the most tags across the whole registry it
 * binds to: a second client's partition-level {@code records-lag-max} removes the first client's
 * client-level one, whichever binder made it, and the series stays missing until that binder's
 * next refresh. Bound through a registry of its own that renames its meters, this client's meters
 * neither remove nor are removed by any other binder's.
 */
public final class SeparateKafkaClientMeters implements AutoCloseable {
    private static final String KAFKA = "kafka.";
    private final MeterRegistry shared;
    private final CompositeMeterRegistry view;
    private final KafkaClientMetrics binder;

    private SeparateKafkaClientMeters(KafkaClientMetrics binder, String prefix, MeterRegistry registry) {
        this.binder = binder;
        this.shared = registry;
        this.view = new CompositeMeterRegistry(registry.config().clock(), List.of(registry));
        view.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().startsWith(KAFKA) ? id.withName(prefix + "." + id.getName()) : id;
            }
        });
        binder.bindTo(view);
    }

    /** Binds {@code consumer}'s meters as {@code <prefix>.kafka.consumer.*}. */
    public static SeparateKafkaClientMeters of(Consumer<?, ?> consumer, String prefix, MeterRegistry registry) {
        return new SeparateKafkaClientMeters(new KafkaClientMetrics(consumer), prefix, registry);
    }

    /** Binds {@code producer}'s meters as {@code <prefix>.kafka.producer.*}. */
    public static SeparateKafkaClientMeters of(Producer<?, ?> producer, String prefix, MeterRegistry registry) {
        return new SeparateKafkaClientMeters(new KafkaClientMetrics(producer), prefix, registry);
    }

    /**
     * Removes this client's meters from the shared registry. The view itself is not closed: closing
     * a composite closes the registries in it, and the shared one outlives this client.
     */
    @Override
    public void close() {
        binder.close();
        view.getMeters().forEach(view::remove);
        view.remove(shared);
    }
}
