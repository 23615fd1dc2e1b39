package dev.ballast.evaluation;

import java.util.function.DoubleFunction;
import moa.classifiers.core.driftdetection.ADWINChangeDetector;
import moa.classifiers.core.driftdetection.ChangeDetector;
import moa.classifiers.core.driftdetection.CusumDM;
import moa.classifiers.core.driftdetection.DDM;
import moa.classifiers.core.driftdetection.PageHinkleyDM;

/**
 * MOA's change detectors with the one option that sets each one's sensitivity, and the range it
 * is calibrated over (within the bounds MOA itself accepts). Every other option keeps MOA's
 * default. A detector whose quietest setting still exceeds the budget is reported with its
 * calibration alarms above the allowance, not dropped.
 *
 * @param name       label in tables
 * @param option     the calibrated option, as MOA names it
 * @param low        least value searched
 * @param high       greatest value searched
 * @param quieterUp  whether a greater value means fewer alarms
 * @param factory    a ready detector for a value of the option
 */
record MoaDetector(String name, String option, double low, double high, boolean quieterUp,
                   DoubleFunction<ChangeDetector> factory) {

    static final MoaDetector ADWIN = new MoaDetector("MOA ADWIN", "deltaAdwin", 1e-15, 0.5, false, v -> {
        ADWINChangeDetector d = new ADWINChangeDetector();
        d.deltaAdwinOption.setValue(v);
        d.prepareForUse();
        return d;
    });
    static final MoaDetector PAGE_HINKLEY = new MoaDetector("MOA Page-Hinkley", "lambda", 1, 2_000, true, v -> {
        PageHinkleyDM d = new PageHinkleyDM();
        d.lambdaOption.setValue(v);
        d.prepareForUse();
        return d;
    });
    static final MoaDetector CUSUM = new MoaDetector("MOA CUSUM", "lambda", 1, 2_000, true, v -> {
        CusumDM d = new CusumDM();
        d.lambdaOption.setValue(v);
        d.prepareForUse();
        return d;
    });
    static final MoaDetector DDM_DETECTOR = new MoaDetector("MOA DDM", "outcontrolLevel", 1, 5, true, v -> {
        DDM d = new DDM();
        d.outcontrolLevelOption.setValue(v);
        // MOA refuses a warning level under 1.0; below outcontrol 1.5 the warning sits at that floor.
        d.warningLevelOption.setValue(Math.max(1.0, Math.min(d.warningLevelOption.getValue(), v * 2 / 3)));
        d.prepareForUse();
        return d;
    });

    static final java.util.List<MoaDetector> ALL = java.util.List.of(ADWIN, PAGE_HINKLEY, CUSUM, DDM_DETECTOR);
}
