package dev.ballast.model.realign;

/**
 * Alignment impact of a conflicting pair: how much re-aligning on it matters. Triage gives each
 * decision a rule impact, the severity weight of the worst rule its chosen response breaks (low 1,
 * medium 2, high 3, critical 4). The job multiplies it by how strongly the model in force prefers
 * that now-violating response: {@code 2 * sigmoid(margin)}, where {@code margin} is the chosen
 * response's length-normalised log-probability minus the rejected one's (nats per token). A pair
 * the model already gets right (negative margin) counts for less than 1x its severity, one it
 * firmly gets wrong for up to 2x. Conflicts are ranked by it and the training terms weighted by it.
 */
public final class ImpactScore {
    private ImpactScore() {
    }

    public static double of(double ruleImpact, double margin) {
        return ruleImpact * 2 / (1 + Math.exp(-margin));
    }
}
