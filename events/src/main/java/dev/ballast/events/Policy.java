package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One version of a policy, published on the compacted {@code policy.changes} topic. The version
 * in force for an interaction is the highest version whose {@code effectiveAt} is not after the
 * interaction's timestamp.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Policy(
        String policyId,
        Integer version,
        Instant effectiveAt,
        String description,
        List<Rule> rules,
        Map<String, Object> thresholds) {

    /**
     * {@code policyId@version} with the version zero-padded, so one policy's versions sort together
     * and in order wherever versions are stored by this key.
     */
    public String versionKey() {
        return policyId + "@" + String.format("%010d", version);
    }
}
