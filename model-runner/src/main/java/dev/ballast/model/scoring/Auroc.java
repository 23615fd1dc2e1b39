package dev.ballast.model.scoring;

import java.util.Arrays;

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative (ties count half). Mann-Whitney U over ranks, O(n log n).
 */
public final class Auroc {
    private Auroc() {
    }

    /** NaN when either class is empty. */
    public static double of(double[] positives, double[] negatives) {
        if (positives.length == 0 || negatives.length == 0) {
            return Double.NaN;
        }
        int n = positives.length + negatives.length;
        double[][] all = new double[n][];
        for (int i = 0; i < positives.length; i++) {
            all[i] = new double[]{positives[i], 1};
        }
        for (int i = 0; i < negatives.length; i++) {
            all[positives.length + i] = new double[]{negatives[i], 0};
        }
        Arrays.sort(all, (a, b) -> Double.compare(a[0], b[0]));
        double rankSum = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && all[j + 1][0] == all[i][0]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (all[k][1] == 1) {
                    rankSum += rank;
                }
            }
            i = j + 1;
        }
        double u = rankSum - positives.length * (positives.length + 1) / 2.0;
        return u / ((double) positives.length * negatives.length);
    }
}
