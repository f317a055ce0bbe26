package org.sparkebm.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sparkebm.core.data.Shard;

/** W4's readout of walkers: class fractions with and without weights, and the error against 4:2:1. */
class W4ReportTest {
    @Test
    void fractionsFollowTheClassesAndTheWeights() {
        int[] ids = W4Report.CLASSES; // 1, 7, 8
        ImageClassifier clf = ImageClassifier.train(ImageClassifierTest.bands(600, 1, ids), 10, 3, 7);
        // 7 walkers: rows 0..6 of a fresh set are classes 1, 7, 8, 1, 7, 8, 1 → take 4 of class 1, 2 of 7, 1 of 8
        Shard pool = ImageClassifierTest.bands(30, 5, ids);
        int[] pick = {0, 3, 6, 9, 1, 4, 2};
        float[] x = new float[pick.length * 64];
        for (int i = 0; i < pick.length; i++) {
            System.arraycopy(pool.values(), pick[i] * 64, x, i * 64, 64);
        }
        W4Report.Reading equal = W4Report.fractions(clf, x, pick.length, null);
        assertEquals(0.0, W4Report.meanAbsError(equal.shares()), 1e-12, Arrays.toString(equal.shares()));
        assertEquals(0.0, equal.other(), 1e-12);
        // all the weight on the last walker (class 8)
        double[] logW = new double[pick.length];
        Arrays.fill(logW, -1000);
        logW[6] = 0;
        W4Report.Reading weighted = W4Report.fractions(clf, x, pick.length, logW);
        assertEquals(0.0, weighted.shares()[0], 1e-12);
        assertEquals(1.0, weighted.shares()[2], 1e-12);
        // error of (0, 0, 1) against (4/7, 2/7, 1/7): (4/7 + 2/7 + 6/7) / 3 = 4/7
        assertEquals(4 / 7.0, W4Report.meanAbsError(weighted.shares()), 1e-12);
    }
}
