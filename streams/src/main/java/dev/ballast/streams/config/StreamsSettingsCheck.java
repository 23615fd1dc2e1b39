package dev.ballast.streams.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Checks the {@code streams.*} keys against Kafka's own definitions when the configuration is
 * parsed. Left to Kafka, a misspelt key ({@code streams.num.stream.thread}) was ignored with one
 * WARN line among hundreds, and a bad value ({@code streams.commit.interval.ms=abc}) stopped the
 * run with a stack trace only once the cluster had been reached.
 *
 * <p>A key is known if Kafka Streams defines it, or a producer, consumer or admin client does
 * (Kafka Streams hands those on to its clients unprefixed too), or a client does under its prefix
 * ({@code producer.}, {@code consumer.}, {@code main.consumer.}, {@code restore.consumer.},
 * {@code global.consumer.}, {@code admin.}); its value must parse and validate as Kafka would. An
 * unknown key is refused when it is a near miss of a known one; one like no known key is passed
 * on, since Kafka hands every setting to the plugins it loads (config providers, metric
 * reporters, login callbacks), which define their own. Topic settings ({@code topic.}) and
 * client tags ({@code client.tag.}) are open-ended and left to the broker and Kafka Streams. With
 * {@code config.providers} set, a value holding a {@code ${provider:...}} reference is left to
 * Kafka, which resolves it before parsing it. No problem quotes a value of an unknown key, nor
 * of a password setting: either may be a secret.
 */
final class StreamsSettingsCheck {
    private static final List<ConfigDef> UNPREFIXED = List.of(StreamsConfig.configDef(), ProducerConfig.configDef(),
            ConsumerConfig.configDef(), AdminClientConfig.configDef());
    private static final Map<String, ConfigDef> PREFIXED = Map.of(
            StreamsConfig.PRODUCER_PREFIX, ProducerConfig.configDef(),
            StreamsConfig.CONSUMER_PREFIX, ConsumerConfig.configDef(),
            StreamsConfig.MAIN_CONSUMER_PREFIX, ConsumerConfig.configDef(),
            StreamsConfig.RESTORE_CONSUMER_PREFIX, ConsumerConfig.configDef(),
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, ConsumerConfig.configDef(),
            StreamsConfig.ADMIN_CLIENT_PREFIX, AdminClientConfig.configDef());
    private static final List<String> OPEN_ENDED = List.of(StreamsConfig.TOPIC_PREFIX, StreamsConfig.CLIENT_TAG_PREFIX);
    private static final Set<String> KNOWN = known();

    private StreamsSettingsCheck() {
    }

    /**
     * One problem per bad setting of {@code settings} (Kafka names, without {@code streams.}),
     * each naming its {@code streams.} key and, from {@code sources}, where its value came from.
     */
    static List<String> problems(Map<String, String> settings, Map<String, String> sources) {
        List<String> problems = new ArrayList<>();
        boolean referencesProvider = settings.containsKey(BallastConfig.CONFIG_PROVIDERS);
        settings.forEach((name, value) -> {
            String key = "streams." + name;
            String where = key + " (" + sources.get(key) + "): ";
            if (OPEN_ENDED.stream().anyMatch(name::startsWith)) {
                return;
            }
            ConfigDef.ConfigKey definition = definition(name);
            if (definition == null) {
                String near = BallastConfig.nearest(name, KNOWN);
                if (near != null) {
                    problems.add(where + "not a Kafka Streams, producer, consumer or admin client setting; did you "
                            + "mean streams." + near + "?");
                }
                return;
            }
            if (referencesProvider && value.contains("${")) {
                // Kafka resolves it through the config providers before it parses it.
                return;
            }
            try {
                Object parsed = ConfigDef.parseType(definition.name, value, definition.type);
                if (definition.validator != null) {
                    definition.validator.ensureValid(definition.name, parsed);
                }
            } catch (org.apache.kafka.common.config.ConfigException e) {  // Kafka's, not Ballast's
                problems.add(where + (definition.type == ConfigDef.Type.PASSWORD ? "invalid value" : e.getMessage()));
            }
        });
        return problems;
    }

    private static ConfigDef.ConfigKey definition(String name) {
        for (Map.Entry<String, ConfigDef> prefixed : PREFIXED.entrySet()) {
            if (name.startsWith(prefixed.getKey())) {
                return prefixed.getValue().configKeys().get(name.substring(prefixed.getKey().length()));
            }
        }
        for (ConfigDef def : UNPREFIXED) {
            ConfigDef.ConfigKey key = def.configKeys().get(name);
            if (key != null) {
                return key;
            }
        }
        return null;
    }

    private static Set<String> known() {
        Set<String> names = new TreeSet<>();
        UNPREFIXED.forEach(def -> names.addAll(def.names()));
        PREFIXED.forEach((prefix, def) -> def.names().forEach(n -> names.add(prefix + n)));
        return names;
    }
}
