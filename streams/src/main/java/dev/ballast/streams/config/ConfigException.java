package dev.ballast.streams.config;

/** Invalid configuration; the message names the key and says what to fix. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
