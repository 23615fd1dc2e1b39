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
 * @param maxCandidateBytes larger candidates are not scored: the gate dead-letters them unread
 *                         ({@code max.record.bytes}), and their scores would not fit the scored topic
 * @param maxRequestBytes  the producer's largest request, room for a score of the largest candidate
 * @param clientOverrides  extra Kafka client settings (security and the like) for consumer and producer
 */
public record ScoringSettings(String bootstrapServers, String groupId, String transactionalId,
                              String candidatesTopic, String scoredTopic, int batchSize, Duration pollTimeout,
                              Path modelDir, DeviceChoice device, int gradLayers, String modelClass,
                              int maxCandidateBytes, int maxRequestBytes, Map<String, String> clientOverrides) {

    /**
     * Room a score needs beyond its candidate's bytes: gradNorm, loss, model version, and an error
     * of at most {@link #MAX_SCORE_ERROR_CHARS} characters when scoring failed.
     */
    public static final int SCORE_FIELDS_BYTES = 4 * 1024;

    /** Longest scoring error a score carries; an exception's message can be any length. */
    public static final int MAX_SCORE_ERROR_CHARS = 1_000;

    public ScoringSettings {
        clientOverrides = RedactedSettings.hiding(clientOverrides);
    }
}
