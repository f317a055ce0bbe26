package org.sparkebm.core.util;

import java.util.SplittableRandom;

/** Log-space arithmetic in double precision, and systematic resampling. */
public final class LogSpace {
    private LogSpace() {}

    /** log Σ exp(a_i); −∞ for an empty array. */
    public static double logSumExp(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            m = Math.max(m, v);
        }
        if (m == Double.NEGATIVE_INFINITY) {
            return m;
        }
        double s = 0;
        for (double v : a) {
            s += Math.exp(v - m);
        }
        return m + Math.log(s);
    }

    /** log Σ exp(2 a_i). */
    public static double logSumExp2(double[] a) {
        double[] b = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = 2 * a[i];
        }
        return logSumExp(b);
    }

    /** Effective sample size (Σw)²/Σw² from log Σw and log Σw². */
    public static double ess(double logSum, double logSumSq) {
        return Math.exp(2 * logSum - logSumSq);
    }

    /**
     * Systematic resampling: n ancestors drawn with probabilities ∝ exp(logW), one uniform draw, O(n).
     * Returns ancestor indices in ascending order; each walker i appears ⌊n·p_i⌋ or ⌈n·p_i⌉ times.
     */
    public static int[] systematic(double[] logW, int n, SplittableRandom rng) {
        double lse = logSumExp(logW);
        int[] anc = new int[n];
        double u = rng.nextDouble() / n;
        double cum = Math.exp(logW[0] - lse);
        int i = 0;
        for (int j = 0; j < n; j++) {
            double target = u + (double) j / n;
            while (target > cum && i < logW.length - 1) {
                i++;
                cum += Math.exp(logW[i] - lse);
            }
            anc[j] = i;
        }
        return anc;
    }
}
