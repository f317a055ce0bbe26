package org.sparkebm.core.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkebm.core.data.Shard;

/** The informative initialisation reproduces the data's mean and covariance (full) or variances (diagonal). */
class GaussianInitTest {
    /** Correlated 3-D data: x2 = 0.8 x1 + 0.6 e, x3 = 2 + 0.5 e'. */
    static Shard correlated(int n) {
        SplittableRandom r = new SplittableRandom(3);
        float[] v = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            v[3 * i] = (float) a;
            v[3 * i + 1] = (float) (0.8 * a + 0.6 * r.nextGaussian());
            v[3 * i + 2] = (float) (2 + 0.5 * r.nextGaussian());
        }
        return new Shard(v, n, new int[] {3}, null);
    }

    static double[][] moments(ChainInitializer g, Shard shard, int m) {
        float[] out = new float[3 * m];
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < m; i++) {
            g.draw(out, 3 * i, shard, r);
        }
        double[] mean = new double[3];
        double[][] cov = new double[4][3];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < 3; j++) {
                mean[j] += out[3 * i + j] / (double) m;
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    cov[j][k] += (out[3 * i + j] - mean[j]) * (out[3 * i + k] - mean[k]) / (m - 1.0);
                }
            }
        }
        cov[3] = mean;
        return cov;
    }

    @Test
    void fullCovarianceKeepsCorrelations() {
        Shard d = correlated(20_000);
        double[][] c = moments(GaussianInit.fit(d, GaussianInit.Covariance.FULL, 1e-4,
                Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY), d, 20_000);
        assertEquals(0.8, c[0][1], 0.04);
        assertEquals(1.0, c[1][1], 0.05);
        assertEquals(0.25, c[2][2], 0.02);
        assertEquals(2.0, c[3][2], 0.02);
    }

    @Test
    void diagonalDropsCorrelationsAndClampHolds() {
        Shard d = correlated(20_000);
        double[][] c = moments(GaussianInit.fit(d, GaussianInit.Covariance.DIAGONAL, 1e-4,
                Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY), d, 20_000);
        assertEquals(0.0, c[0][1], 0.04);
        assertEquals(1.0, c[1][1], 0.05);
        GaussianInit clamped = GaussianInit.fit(d, GaussianInit.Covariance.FULL, 1e-4, -1, 1);
        float[] out = new float[3];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            clamped.draw(out, 0, d, r);
            for (float f : out) {
                assertTrue(f >= -1 && f <= 1);
            }
        }
    }
}
