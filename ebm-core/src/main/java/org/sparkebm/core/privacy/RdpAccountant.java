package org.sparkebm.core.privacy;

import org.sparkebm.core.util.LogSpace;

/**
 * Rényi-DP accountant for the Poisson-subsampled Gaussian mechanism (Mironov, Talwar, Zhang 2019, "Rényi
 * Differential Privacy of the Sampled Gaussian Mechanism", integer orders; Abadi et al. 2016 for the setting).
 *
 * <p>For sampling rate q, noise multiplier σ and integer order α ≥ 2:
 * {@code RDP(α) = log A_α / (α − 1)}, {@code A_α = Σ_{k=0}^{α} C(α,k) (1−q)^{α−k} q^k exp((k² − k) / (2σ²))},
 * summed in log space. T rounds compose additively; (ε, δ) follows from
 * {@code ε = min_α T·RDP(α) + log(1/δ) / (α − 1)}. Written here because no JVM library on Maven Central offers it;
 * checked against the published values of TensorFlow Privacy's tests.
 */
public final class RdpAccountant {
    /** Orders tracked: 2 … 256 (integers). */
    public static final int MAX_ORDER = 256;

    private final double q;
    private final double sigma;
    private final double[] perStep; // RDP of one step at orders 2..MAX_ORDER
    private long steps;

    public RdpAccountant(double q, double sigma) {
        if (!(q > 0 && q <= 1) || !(sigma > 0)) {
            throw new IllegalArgumentException("accountant needs q in (0, 1] and sigma > 0, got q=" + q + " sigma=" + sigma);
        }
        this.q = q;
        this.sigma = sigma;
        this.perStep = new double[MAX_ORDER + 1];
        for (int a = 2; a <= MAX_ORDER; a++) {
            perStep[a] = rdp(q, sigma, a);
        }
    }

    /** RDP of one step of the subsampled Gaussian at integer order α. */
    public static double rdp(double q, double sigma, int alpha) {
        if (q == 1.0) {
            return alpha / (2 * sigma * sigma);
        }
        double[] terms = new double[alpha + 1];
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        for (int k = 0; k <= alpha; k++) {
            terms[k] = logBinomial(alpha, k) + (alpha - k) * log1mQ + k * logQ + (k * (double) k - k) / (2 * sigma * sigma);
        }
        return LogSpace.logSumExp(terms) / (alpha - 1);
    }

    private static double logBinomial(int n, int k) {
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    }

    private static double logFactorial(int n) {
        double s = 0;
        for (int i = 2; i <= n; i++) {
            s += Math.log(i);
        }
        return s;
    }

    /** Records {@code n} more steps. */
    public void step(long n) {
        steps += n;
    }

    public long steps() {
        return steps;
    }

    /** ε at {@code delta} after the recorded steps (0 steps: 0). */
    public double epsilon(double delta) {
        return epsilon(steps, delta)[0];
    }

    /** {ε, optimal order} after {@code t} steps at {@code delta}, over orders 2 … {@code maxOrder}. */
    public double[] epsilon(long t, double delta, int maxOrder) {
        if (t == 0) {
            return new double[] {0, 2};
        }
        double best = Double.POSITIVE_INFINITY;
        int bestOrder = 2;
        for (int a = 2; a <= Math.min(maxOrder, MAX_ORDER); a++) {
            double eps = t * perStep[a] + Math.log(1 / delta) / (a - 1);
            if (eps < best) {
                best = eps;
                bestOrder = a;
            }
        }
        return new double[] {best, bestOrder};
    }

    public double[] epsilon(long t, double delta) {
        return epsilon(t, delta, MAX_ORDER);
    }

    public double q() {
        return q;
    }

    public double sigma() {
        return sigma;
    }
}
