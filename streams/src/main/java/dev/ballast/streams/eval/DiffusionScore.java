package dev.ballast.streams.eval;

/**
 * Group-level detection quality against ground truth.
 *
 * @param contagiousGroups       groups where deviance spread by imitation
 * @param detected               of which raised a DIFFUSION alert at or after onset
 * @param detectedBeforeHalf     of which the alert came before half the group had turned
 * @param patientZeroCorrect     of which the alert named the true patient zero
 * @param controlGroups          groups whose agents turned independently
 * @param controlAlerts          DIFFUSION alerts on control groups (all false)
 * @param alertsBeforeOnset      DIFFUSION alerts on contagious groups before their onset (false)
 * @param ungroupedAlerts        DIFFUSION alerts on groups the truth does not know (false)
 */
public record DiffusionScore(int contagiousGroups, int detected, int detectedBeforeHalf, int patientZeroCorrect,
                             int controlGroups, int controlAlerts, int alertsBeforeOnset, int ungroupedAlerts) {

    /** The score of no groups: where a sum of scores starts. */
    public static final DiffusionScore NONE = new DiffusionScore(0, 0, 0, 0, 0, 0, 0, 0);

    /** This score and {@code other} as one, over both sets of groups (several seeds or inputs pooled). */
    public DiffusionScore plus(DiffusionScore other) {
        return new DiffusionScore(contagiousGroups + other.contagiousGroups, detected + other.detected,
                detectedBeforeHalf + other.detectedBeforeHalf, patientZeroCorrect + other.patientZeroCorrect,
                controlGroups + other.controlGroups, controlAlerts + other.controlAlerts,
                alertsBeforeOnset + other.alertsBeforeOnset, ungroupedAlerts + other.ungroupedAlerts);
    }
}
