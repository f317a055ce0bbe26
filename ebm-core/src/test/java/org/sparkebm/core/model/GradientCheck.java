package org.sparkebm.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Central finite-difference checks in double precision for both gradients of an {@link EnergyModel}.
 * Helpers assert; they never return a flag for the caller to forget.
 */
final class GradientCheck {
    static final double EPS = 1e-6;
    static final double MAX_REL_ERROR = 1e-5;
    static final double ABS_FLOOR = 1e-8;

    private GradientCheck() {}

    /** Relative error with an absolute floor for tiny gradients. */
    static void assertClose(double analytic, double numeric, String what) {
        double diff = Math.abs(analytic - numeric);
        if (diff < ABS_FLOOR) {
            return;
        }
        double rel = diff / Math.max(Math.abs(analytic), Math.abs(numeric));
        assertTrue(rel < MAX_REL_ERROR, what + ": analytic " + analytic + " vs numeric " + numeric + " (rel " + rel + ")");
    }

    /** Checks ∇x Σ E against central differences on {@code samples} random coordinates. */
    static void checkInputGradient(EnergyModel m, INDArray x, int samples, long seed) {
        assertEquals(DataType.DOUBLE, m.dataType(), "gradient checks run in double precision");
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, x.shape());
        INDArray e = m.energyAndInputGradient(x, grad);
        assertEquals(m.energy(x).sumNumber().doubleValue(), e.sumNumber().doubleValue(), 1e-9,
                "energyAndInputGradient and energy disagree");
        SplittableRandom rng = new SplittableRandom(seed);
        long n = x.length();
        for (int s = 0; s < Math.min(samples, n); s++) {
            long i = samples >= n ? s : rng.nextLong(n);
            INDArray flat = x.reshape(-1);
            double orig = flat.getDouble(i);
            flat.putScalar(i, orig + EPS);
            double up = m.energy(x).sumNumber().doubleValue();
            flat.putScalar(i, orig - EPS);
            double down = m.energy(x).sumNumber().doubleValue();
            flat.putScalar(i, orig);
            assertClose(grad.reshape(-1).getDouble(i), (up - down) / (2 * EPS), "dE/dx[" + i + "]");
        }
    }

    /** Checks Σ_i c_i ∂θE(x_i) (fixed random c) against central differences on {@code samples} parameters. */
    static void checkParamGradient(EnergyModel m, INDArray x, int samples, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long n = x.size(0);
        double[] cv = new double[(int) n];
        for (int i = 0; i < n; i++) {
            cv[i] = rng.nextDouble() * 2 - 1;
        }
        INDArray c = Nd4j.createFromArray(cv);
        EnergyModel.ParamGradient pg = m.paramGradient(x, e -> c.dup());
        INDArray theta = m.params();
        long p = theta.length();
        for (int s = 0; s < Math.min(samples, p); s++) {
            long i = samples >= p ? s : rng.nextLong(p);
            double orig = theta.getDouble(i);
            theta.putScalar(i, orig + EPS);
            m.setParams(theta);
            double up = m.energy(x).mul(c).sumNumber().doubleValue();
            theta.putScalar(i, orig - EPS);
            m.setParams(theta);
            double down = m.energy(x).mul(c).sumNumber().doubleValue();
            theta.putScalar(i, orig);
            m.setParams(theta);
            assertClose(pg.gradient().getDouble(i), (up - down) / (2 * EPS), "dE/dθ[" + i + "]");
        }
    }

    static INDArray randomInput(long n, int d, double scale, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[(int) (n * d)];
        for (int i = 0; i < v.length; i++) {
            v[i] = scale * rng.nextGaussian();
        }
        return Nd4j.create(v, new long[] {n, d}, 'c');
    }
}
