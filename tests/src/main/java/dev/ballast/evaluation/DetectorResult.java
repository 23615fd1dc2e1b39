package dev.ballast.evaluation;

import dev.ballast.streams.eval.DetectionScore;

/**
 * One detector's figures in the comparison.
 *
 * @param detector            label
 * @param setting             the calibrated option and its value, or Ballast's own configuration
 * @param calibrationAlarms   alarms on the in-control calibration streams (budget: {@link Calibration#allowedAlarms})
 * @param score               detection against ground truth on the evaluated input
 * @param meanEventsBetweenFalseAlarms events of unchanged agents per false alarm; infinite with none, NaN
 *                                     without unchanged agents
 */
record DetectorResult(String detector, String setting, long calibrationAlarms, DetectionScore score,
                      double meanEventsBetweenFalseAlarms) {

    static DetectorResult of(String detector, String setting, long calibrationAlarms, DetectionScore score) {
        double between = score.stableEvents() == 0 ? Double.NaN : score.falseAlarms() == 0 ? Double.POSITIVE_INFINITY
                : (double) score.stableEvents() / score.falseAlarms();
        return new DetectorResult(detector, setting, calibrationAlarms, score, between);
    }
}
