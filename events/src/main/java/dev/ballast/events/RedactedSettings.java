package dev.ballast.events;

import java.util.AbstractMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Settings made safe to print: every value Kafka itself treats as a password (its configuration
 * type {@code PASSWORD}: {@code sasl.jaas.config}, {@code ssl.*.password}, keys and
 * certificates) and anything whose name says secret or password shows as {@code [hidden]}, as
 * Kafka's own configuration log does. Every settings type that carries client overrides holds
 * them as {@link #hiding} maps, so an exception or a debug line cannot print a credential.
 */
public final class RedactedSettings {
    public static final String HIDDEN = "[hidden]";

    private RedactedSettings() {
    }

    /** {@code settings} with secret values hidden; keys may carry a prefix such as {@code streams.}. */
    public static Map<String, String> of(Map<String, String> settings) {
        Map<String, String> out = new TreeMap<>();
        settings.forEach((key, value) -> out.put(key, secret(key) ? HIDDEN : value));
        return out;
    }

    /**
     * An unmodifiable copy of {@code settings} that prints as {@link #of}: the values stay for the
     * clients, the secrets stay out of every {@code toString} that includes the map.
     */
    public static Map<String, String> hiding(Map<String, String> settings) {
        return settings instanceof Hiding ? settings : new Hiding(Map.copyOf(settings));
    }

    private static final class Hiding extends AbstractMap<String, String> {
        private final Map<String, String> settings;

        Hiding(Map<String, String> settings) {
            this.settings = settings;
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return settings.entrySet();
        }

        @Override
        public String get(Object key) {
            return settings.get(key);
        }

        @Override
        public String toString() {
            return of(settings).toString();
        }
    }

    static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("credential")) {
            return true;
        }
        for (ConfigDef def : new ConfigDef[]{ConsumerConfig.configDef(), ProducerConfig.configDef(),
                AdminClientConfig.configDef()}) {
            for (Map.Entry<String, ConfigDef.ConfigKey> e : def.configKeys().entrySet()) {
                if (e.getValue().type == ConfigDef.Type.PASSWORD && (k.equals(e.getKey()) || k.endsWith("." + e.getKey()))) {
                    return true;
                }
            }
        }
        return false;
    }
}
