package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One rule of a policy; an interaction violates it when its {@link RuleCondition} holds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rule(String id, Severity severity, String description, RuleCondition when) {
}
