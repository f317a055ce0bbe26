package org.sparkebm.core.eval;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The kernel distance KID (Bińkowski et al., "Demystifying MMD GANs", 2018): the unbiased estimate of the squared
 * maximum mean discrepancy between two feature sets with the cubic polynomial kernel k(x, y) = (xᵀy / k + 1)³,
 * averaged over random subsets of equal size. Unlike the Fréchet distance it has no bias that depends on the
 * number of samples, and it can be slightly negative when the sets come from one distribution. The kernel
 * matrices are ND4J products (double precision).
 */
public final class KernelDistance {
    private KernelDistance() {}

    /** The mean of the subsets' estimates and their standard deviation. */
    public record Result(double mean, double std, int subsets, int subsetSize) {}

    /**
     * KID between {@code a} ({@code na} rows) and {@code b} ({@code nb} rows), both row-major with {@code k}
     * values a row (read); {@code subsets} draws of {@code min(subsetSize, na, nb)} rows of each, without
     * replacement, from {@code seed}.
     */
    public static Result of(float[] a, int na, float[] b, int nb, int k, int subsets, int subsetSize, long seed) {
        int m = Math.min(subsetSize, Math.min(na, nb));
        if (m < 2) {
            throw new IllegalArgumentException("KID needs two or more rows in each set");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] est = new double[subsets];
        double sum = 0;
        for (int s = 0; s < subsets; s++) {
            INDArray x = rows(a, na, k, m, rng);
            INDArray y = rows(b, nb, k, m, rng);
            double xx = offDiagonal(kernel(x, x, k));
            double yy = offDiagonal(kernel(y, y, k));
            double xy = kernel(x, y, k).sumNumber().doubleValue();
            est[s] = (xx + yy) / ((double) m * (m - 1)) - 2 * xy / ((double) m * m);
            sum += est[s];
        }
        double mean = sum / subsets;
        double var = 0;
        for (double e : est) {
            var += (e - mean) * (e - mean);
        }
        return new Result(mean, subsets > 1 ? Math.sqrt(var / (subsets - 1)) : 0, subsets, m);
    }

    private static INDArray kernel(INDArray x, INDArray y, int k) {
        INDArray g = Nd4j.gemm(x, y, false, true).divi(k).addi(1);
        return g.dup().muli(g).muli(g); // cubed by two products: a third of pow's time
    }

    private static double offDiagonal(INDArray kxx) {
        double trace = 0;
        for (int i = 0; i < kxx.rows(); i++) {
            trace += kxx.getDouble(i, i);
        }
        return kxx.sumNumber().doubleValue() - trace;
    }

    /** {@code m} distinct rows of {@code v} drawn by a partial Fisher–Yates shuffle. */
    private static INDArray rows(float[] v, int n, int k, int m, SplittableRandom rng) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        double[] out = new double[m * k];
        for (int i = 0; i < m; i++) {
            int j = i + rng.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            for (int c = 0; c < k; c++) {
                out[i * k + c] = v[idx[i] * k + c];
            }
        }
        return Nd4j.create(out, new long[] {m, k}, DataType.DOUBLE);
    }
}
