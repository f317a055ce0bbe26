package org.sparkebm.core.eval;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.stat.correlation.Covariance;

/**
 * The Gaussian fitted to a set of feature vectors: their mean and (unbiased) covariance, the statistics of the
 * Fréchet distance. Statistics from Commons Math ({@link Covariance}).
 *
 * @param mean       the k means
 * @param covariance k × k, symmetric
 * @param n          the number of vectors it was fitted to
 */
public record FeatureGaussian(double[] mean, RealMatrix covariance, int n) {
    /**
     * Fits {@code features} (read): {@code n} rows of {@code k} values, row-major.
     *
     * @throws IllegalArgumentException for fewer than two rows
     */
    public static FeatureGaussian fit(float[] features, int n, int k) {
        if (n < 2) {
            throw new IllegalArgumentException("a covariance needs two or more feature vectors, got " + n);
        }
        double[][] rows = new double[n][k];
        double[] mean = new double[k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                rows[i][j] = features[i * k + j];
                mean[j] += rows[i][j];
            }
        }
        for (int j = 0; j < k; j++) {
            mean[j] /= n;
        }
        return new FeatureGaussian(mean, new Covariance(new Array2DRowRealMatrix(rows, false), true)
                .getCovarianceMatrix(), n);
    }

    /** The feature dimension k. */
    public int dim() {
        return mean.length;
    }
}
