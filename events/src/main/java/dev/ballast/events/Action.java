package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What the agent did in one interaction: a choice, a tool call, a message. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Action(String type, String name, String content) {
}
