package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How bad breaking a rule is. */
public enum Severity {
    @JsonProperty("low") LOW,
    @JsonProperty("medium") MEDIUM,
    @JsonProperty("high") HIGH,
    @JsonProperty("critical") CRITICAL
}
