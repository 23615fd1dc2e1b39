package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Labels attached by an external judge; {@code violation=true} makes the interaction a violation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Labels(Boolean violation, String category, String judge) {
}
