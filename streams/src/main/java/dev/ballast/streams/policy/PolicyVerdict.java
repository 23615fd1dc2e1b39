package dev.ballast.streams.policy;

import java.util.List;

/**
 * How one interaction fares against the policies in force at its timestamp.
 *
 * @param violation     a rule matched, or an external judge labelled it a violation
 * @param violatedRules ids of the matching rules, as "policyId/ruleId"
 * @param policyVersion the versions in force, "policyId@version" joined by commas; "none" if none
 */
public record PolicyVerdict(boolean violation, List<String> violatedRules, String policyVersion) {
}
