package org.sparkebm.core.data;

import java.util.SplittableRandom;

/** Seeded synthetic data sets: isotropic Gaussian mixtures (W1 {@code gmm50}) and standard 2-D toys. */
public final class Synthetic {
    private Synthetic() {}

    /**
     * n draws from Σ_k w_k N(mean_k, std² I).
     *
     * @param means   component means, each of the same length d
     * @param weights mixture weights (normalised here)
     */
    public static Dataset gaussianMixture(int n, double[][] means, double[] weights, double std, SplittableRandom rng) {
        int d = means[0].length;
        double total = 0;
        for (double w : weights) {
            if (!(w >= 0)) {
                throw new IllegalArgumentException("mixture weight " + w + " is negative");
            }
            total += w;
        }
        float[] v = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble() * total;
            int k = 0;
            while (k < weights.length - 1 && u >= weights[k]) {
                u -= weights[k];
                k++;
            }
            labels[i] = k;
            for (int j = 0; j < d; j++) {
                v[i * d + j] = (float) (means[k][j] + std * rng.nextGaussian());
            }
        }
        return new Dataset(v, n, new int[] {d}, labels);
    }

    /** W1: two unit Gaussians in d dimensions at -10·e1 and +6·e1 with weights p1 and 1-p1. */
    public static Dataset twoModes(int n, int d, double p1, SplittableRandom rng) {
        double[][] means = new double[2][d];
        means[0][0] = -10;
        means[1][0] = 6;
        return gaussianMixture(n, means, new double[] {p1, 1 - p1}, 1.0, rng);
    }

    /** Eight Gaussians of std 0.02·radius on a circle of the given radius. */
    public static Dataset eightGaussians(int n, double radius, SplittableRandom rng) {
        double[][] means = new double[8][2];
        double[] w = new double[8];
        for (int k = 0; k < 8; k++) {
            means[k][0] = radius * Math.cos(2 * Math.PI * k / 8);
            means[k][1] = radius * Math.sin(2 * Math.PI * k / 8);
            w[k] = 1;
        }
        return gaussianMixture(n, means, w, 0.1 * radius / 2, rng);
    }

    /** Two concentric rings of radii 1 and 2 (equal weight) with radial noise {@code std}. */
    public static Dataset rings(int n, double std, SplittableRandom rng) {
        float[] v = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(2);
            double r = (k + 1) + std * rng.nextGaussian();
            double a = 2 * Math.PI * rng.nextDouble();
            v[2 * i] = (float) (r * Math.cos(a));
            v[2 * i + 1] = (float) (r * Math.sin(a));
            labels[i] = k;
        }
        return new Dataset(v, n, new int[] {2}, labels);
    }
}
