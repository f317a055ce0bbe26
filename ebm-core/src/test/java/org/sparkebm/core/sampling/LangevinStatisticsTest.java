package org.sparkebm.core.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.model.GaussianMixtureEnergy;

/**
 * Langevin against energies with known answers: a Gaussian (moments, KS against exact draws) and a two-mode
 * mixture (mode weights), each with a wrong target that the same statistic must reject.
 */
class LangevinStatisticsTest {
    /** KS critical value at α = 0.001 for two samples of n and m: 1.95·√((n+m)/(nm)). */
    static double ksCritical(int n, int m) {
        return 1.95 * Math.sqrt((n + m) / ((double) n * m));
    }

    static double ks(double[] a, double[] b) {
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        int i = 0;
        int j = 0;
        double d = 0;
        while (i < x.length && j < y.length) {
            if (x[i] <= y[j]) {
                i++;
            } else {
                j++;
            }
            d = Math.max(d, Math.abs(i / (double) x.length - j / (double) y.length));
        }
        return d;
    }

    /** One-component mixture = N(mean, I) in 2-D, then ULA from a far start. */
    static double[] sampleGaussian(double meanX, double h, int chains, int steps, long seed) {
        GaussianMixtureEnergy m = new GaussianMixtureEnergy(1, 2, null, DataType.DOUBLE);
        m.setParams(Nd4j.createFromArray(meanX, 0.0, 0.0));
        int[] ids = new int[chains];
        Arrays.setAll(ids, i -> i);
        INDArray x = Nd4j.zeros(DataType.DOUBLE, chains, 2).addi(5.0);
        LangevinSampler.ula(h).run(m, x, steps, new ChainNoise(seed, 0, 0, ids, 2, DataType.DOUBLE));
        return x.getColumn(0).toDoubleVector();
    }

    static double[] exact(double mean, double std, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + std * r.nextGaussian();
        }
        return v;
    }

    @Test
    void ulaReproducesAGaussianAndRejectsAWrongOne() {
        double h = 0.01;
        int n = 4000;
        // ULA on N(μ, 1) has stationary variance 1/(1 − h/2): the discretisation bias is known exactly.
        double std = 1 / Math.sqrt(1 - h / 2);
        double[] stats = new double[3];
        double[] wrong = new double[3];
        for (int t = 0; t < 3; t++) {
            double[] s = sampleGaussian(1.0, h, n, 1500, 100 + t);
            stats[t] = ks(s, exact(1.0, std, n, 200 + t));
            wrong[t] = ks(s, exact(1.15, std, n, 300 + t));
            double mean = Arrays.stream(s).average().orElseThrow();
            double var = Arrays.stream(s).map(v -> (v - mean) * (v - mean)).sum() / (n - 1);
            assertEquals(1.0, mean, 4 * std / Math.sqrt(n));
            assertEquals(std * std, var, 0.1);
        }
        Arrays.sort(stats);
        Arrays.sort(wrong);
        double crit = ksCritical(n, n);
        assertTrue(stats[1] < crit, "median KS " + stats[1] + " vs critical " + crit);
        assertTrue(wrong[1] > crit, "a target shifted by 0.15σ must be rejected: median KS " + wrong[1]);
    }

    @Test
    void sgldWithClampStaysInBounds() {
        GaussianMixtureEnergy m = new GaussianMixtureEnergy(1, 2, null, DataType.FLOAT);
        m.setParams(Nd4j.createFromArray(3f, 0f, 0f));
        INDArray x = Nd4j.zeros(DataType.FLOAT, 100, 2);
        int[] ids = new int[100];
        Arrays.setAll(ids, i -> i);
        LangevinSampler s = LangevinSampler.sgld(1.0, 0.01).withGradClip(0.03).withClamp(-1, 1);
        s.run(m, x, 20, new ChainNoise(1, 0, 0, ids, 2, DataType.FLOAT));
        // the clip bounds the drift toward +3 to 0.03 per step: after 20 steps the mean is 0.6 ± noise
        assertEquals(0.6, x.getColumn(0).meanNumber().doubleValue(), 0.01);
        s.run(m, x, 30, new ChainNoise(1, 1, 0, ids, 2, DataType.FLOAT));
        assertTrue(x.maxNumber().doubleValue() <= 1.0 && x.minNumber().doubleValue() >= -1.0);
        assertEquals(1.0, x.getColumn(0).meanNumber().doubleValue(), 0.02, "clamped at the upper bound");
    }

    @Test
    void ulaRecoversTheWeightsOfTwoModes() {
        // modes at -1.5 and +1.5 (overlapping enough to mix), weights 0.3 / 0.7 via z = -log w
        GaussianMixtureEnergy m = new GaussianMixtureEnergy(2, 1, null, DataType.DOUBLE);
        m.setParams(Nd4j.createFromArray(-1.5, 1.5, -Math.log(0.3), -Math.log(0.7)));
        int n = 4000;
        int[] ids = new int[n];
        Arrays.setAll(ids, i -> i);
        double[] fracs = new double[3];
        for (int t = 0; t < 3; t++) {
            INDArray x = Nd4j.zeros(DataType.DOUBLE, n, 1);
            LangevinSampler.ula(0.02).run(m, x, 3000, new ChainNoise(40 + t, 0, 0, ids, 1, DataType.DOUBLE));
            fracs[t] = x.lt(0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        }
        Arrays.sort(fracs);
        // P(x < 0) under the mixture: 0.3·Φ(1.5) + 0.7·Φ(−1.5) = 0.3·0.9332 + 0.7·0.0668 = 0.3267
        double expected = 0.3 * 0.93319 + 0.7 * 0.06681;
        double se = Math.sqrt(expected * (1 - expected) / n);
        assertEquals(expected, fracs[1], 5 * se + 0.01);
        double wrong = 0.5 * 0.93319 + 0.5 * 0.06681; // equal weights
        assertTrue(Math.abs(fracs[1] - wrong) > 10 * se, "equal weights must be rejected: " + fracs[1]);
    }

    @Test
    void sameSeedSameChainsAndChainNoiseIndependentOfBatch() {
        int[] ids = {3, 7, 11};
        INDArray a = new ChainNoise(5, 2, 1, ids, 4, DataType.FLOAT).next().dup();
        INDArray b = new ChainNoise(5, 2, 1, new int[] {7}, 4, DataType.FLOAT).next().dup();
        assertEquals(a.getRow(1), b.getRow(0), "chain 7's noise must not depend on its batch mates");
        INDArray c = new ChainNoise(5, 3, 1, ids, 4, DataType.FLOAT).next();
        org.junit.jupiter.api.Assertions.assertNotEquals(a, c, "another round gives other noise");
    }
}
