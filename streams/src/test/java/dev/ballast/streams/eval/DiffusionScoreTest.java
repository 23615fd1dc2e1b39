package dev.ballast.streams.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DiffusionScoreTest {

    @Test
    void scoresOfSeveralRunsAddFieldByField() {
        DiffusionScore a = new DiffusionScore(10, 9, 8, 7, 10, 1, 2, 3);
        DiffusionScore b = new DiffusionScore(20, 19, 17, 16, 30, 4, 5, 6);
        assertEquals(new DiffusionScore(30, 28, 25, 23, 40, 5, 7, 9), a.plus(b));
        assertEquals(a, DiffusionScore.NONE.plus(a));
    }
}
