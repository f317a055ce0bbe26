package org.sparkebm.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/** The Fréchet and kernel distances on cases with known answers. */
class SampleQualityTest {
    /** n rows of k features: mean + scale·N(0, I). */
    static float[] gaussian(int n, int k, double mean, double scale, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * k];
        for (int i = 0; i < v.length; i++) {
            double u1 = 1 - r.nextDouble();
            double u2 = r.nextDouble();
            v[i] = (float) (mean + scale * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return v;
    }

    @Test
    void aSetIsAtDistanceZeroFromItself() {
        float[] f = gaussian(2000, 16, 0.3, 1.5, 1);
        FeatureGaussian g = FeatureGaussian.fit(f, 2000, 16);
        assertEquals(0, FrechetDistance.of(g, g), 1e-8);
    }

    @Test
    void theFrechetDistanceOfNonCommutingCovariancesIsTheAnalyticOne() {
        // 2-D: tr (A^½ B A^½)^½ = sqrt(tr(AB) + 2 sqrt(det A det B)); A and B do not commute, so an elementwise or
        // product-of-roots shortcut gives another number
        RealMatrix a = MatrixUtils.createRealMatrix(new double[][] {{2, 0.6}, {0.6, 1}});
        RealMatrix b = MatrixUtils.createRealMatrix(new double[][] {{0.5, -0.3}, {-0.3, 3}});
        double cross = Math.sqrt(a.multiply(b).getTrace() + 2 * Math.sqrt(new org.apache.commons.math3.linear
                .LUDecomposition(a).getDeterminant() * new org.apache.commons.math3.linear.LUDecomposition(b)
                .getDeterminant()));
        double expected = (1 * 1 + 2 * 2) + a.getTrace() + b.getTrace() - 2 * cross;
        double got = FrechetDistance.of(new FeatureGaussian(new double[] {0, 0}, a, 100),
                new FeatureGaussian(new double[] {1, -2}, b, 100));
        assertEquals(expected, got, 1e-10);
        // symmetric in its arguments
        assertEquals(got, FrechetDistance.of(new FeatureGaussian(new double[] {1, -2}, b, 100),
                new FeatureGaussian(new double[] {0, 0}, a, 100)), 1e-10);
    }

    @Test
    void shiftedAndScaledGaussianFeaturesGiveTheAnalyticDistance() {
        // N(0, I) against N(0.5·1, 4I) in k = 8: ‖Δμ‖² + tr(I + 4I − 2·2I) = 8·0.25 + 8 = 10
        int n = 40_000;
        int k = 8;
        double fid = FrechetDistance.of(FeatureGaussian.fit(gaussian(n, k, 0, 1, 2), n, k),
                FeatureGaussian.fit(gaussian(n, k, 0.5, 2, 3), n, k));
        assertEquals(10.0, fid, 0.15);
    }

    @Test
    void moreNoiseIsFarther() {
        int n = 3000;
        int k = 12;
        float[] base = gaussian(n, k, 0, 1, 4);
        double last = -1;
        for (double noise : new double[] {0.1, 0.5, 1.0, 2.0}) {
            // an independent draw of the same distribution plus noise: N(0, (1 + σ²) I), FID = k (2 + σ² − 2√(1 + σ²))
            float[] noisy = gaussian(n, k, 0, noise, 5);
            float[] other = gaussian(n, k, 0, 1, 6);
            for (int i = 0; i < noisy.length; i++) {
                noisy[i] += other[i];
            }
            double fid = FrechetDistance.of(FeatureGaussian.fit(base, n, k), FeatureGaussian.fit(noisy, n, k));
            assertTrue(fid > last, "noise " + noise + ": " + fid + " after " + last);
            assertEquals(k * (2 + noise * noise - 2 * Math.sqrt(1 + noise * noise)), fid, 0.05 + 0.1 * fid);
            last = fid;
            if (noise >= 1) { // below, the covariance moves less than KID's subset noise
                KernelDistance.Result kid = KernelDistance.of(base, n, noisy, n, k, 10, 1000, 7);
                assertTrue(kid.mean() > 3 * kid.std() / Math.sqrt(10), "noise " + noise + ": KID " + kid);
            }
        }
    }

    @Test
    void theKernelDistanceIsUnbiasedForOneDistributionAndGrowsWithAShift() {
        int n = 4000;
        int k = 16;
        float[] a = gaussian(n, k, 0, 1, 8);
        float[] b = gaussian(n, k, 0, 1, 9);
        KernelDistance.Result same = KernelDistance.of(a, n, b, n, k, 20, 1000, 1);
        assertEquals(1000, same.subsetSize());
        // unbiased: the mean is within a few standard errors of 0 (it can be negative)
        assertEquals(0, same.mean(), 4 * same.std() / Math.sqrt(20) + 1e-4, same.toString());
        double last = same.mean();
        for (double shift : new double[] {0.1, 0.3, 1.0}) {
            KernelDistance.Result r = KernelDistance.of(a, n, gaussian(n, k, shift, 1, 10), n, k, 20, 1000, 1);
            assertTrue(r.mean() > last + 2 * r.std() / Math.sqrt(20), "shift " + shift + ": " + r + " after " + last);
            last = r.mean();
        }
        // the same seed draws the same subsets
        assertEquals(same, KernelDistance.of(a, n, b, n, k, 20, 1000, 1));
        assertThrows(IllegalArgumentException.class, () -> KernelDistance.of(a, 1, b, 1, k, 5, 10, 1));
    }
}
