package dev.ballast.streams.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/** Breaks a scenario file on purpose: inserts defective lines at random places and records where they ended up. */
final class MalformedLines {
    private MalformedLines() {
    }

    /**
     * Inserts {@code count} lines into {@code lines}, cycling through {@code defects} (each a
     * format with one {@code %d} for a running number, and the defect's description).
     *
     * @return the inserted lines with their final 1-based line numbers, in line order
     */
    static List<GroundTruth.MalformedLine> insert(SplittableRandom rng, List<String> lines, String file, int count,
                                                  List<String[]> defects) {
        List<String> defectOf = new ArrayList<>(Collections.nCopies(lines.size(), (String) null));
        for (int i = 0; i < count; i++) {
            String[] defect = defects.get(i % defects.size());
            int at = rng.nextInt(lines.size() + 1);
            lines.add(at, String.format(defect[0], i + 1));
            defectOf.add(at, defect[1]);
        }
        List<GroundTruth.MalformedLine> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            if (defectOf.get(n) != null) {
                out.add(new GroundTruth.MalformedLine(file, n + 1, lines.get(n), defectOf.get(n)));
            }
        }
        return out;
    }
}
