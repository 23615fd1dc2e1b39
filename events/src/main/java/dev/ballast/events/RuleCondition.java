package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The {@code when} block of a rule: every condition that is present must hold. The
 * {@code *Matches} fields are RE2 patterns searched anywhere in the text; the list fields match
 * exactly.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleCondition(
        List<String> actionTypes,
        List<String> actionNames,
        String responseMatches,
        String contentMatches,
        String promptMatches,
        Boolean labelViolation,
        List<String> categoryIn) {

    /** True when no condition is present, which would make the rule match everything. */
    @JsonIgnore
    public boolean isEmpty() {
        return actionTypes == null && actionNames == null && responseMatches == null
                && contentMatches == null && promptMatches == null && labelViolation == null
                && categoryIn == null;
    }
}
