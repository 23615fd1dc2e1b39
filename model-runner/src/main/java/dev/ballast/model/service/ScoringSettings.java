package dev.ballast.model.service;

import dev.ballast.events.RedactedSettings;
import dev.ballast.model.DeviceChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the scoring service needs, parsed and checked by the caller's configuration.
 *
 * @param groupId          consumer group on the candidates topic; its committed offsets are the
 *                         service's progress
 * @param transactionalId  producer transactional id; unique per running instance
 * @param batchSize        samples per forward/backward pass
 * @param modelDir         the model store ({@code <dir>/<version>/}, {@code CURRENT})
 * @param gradLayers       score the last k layers' parameters; 0 for all
 * @param modelClass       a {@code ScoringModel} implementation to load instead of the built-in model; empty for built-in
 * @param clientOverrides  extra Kafka client settings (security and the like) for consumer and producer
 */
public record ScoringSettings(String bootstrapServers, String groupId, String transactionalId,
                              String candidatesTopic, String scoredTopic, int batchSize, Duration pollTimeout,
                              Path modelDir, DeviceChoice device, int gradLayers, String modelClass,
                              Map<String, String> clientOverrides) {

    public ScoringSettings {
        clientOverrides = RedactedSettings.hiding(clientOverrides);
    }
}
