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
    public static Shard gaussianMixture(int n, double[][] means, double[] weights, double std, SplittableRandom rng) {
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
        return new Shard(v, n, new int[] {d}, labels);
    }

    /** W1: two unit Gaussians in d dimensions at -10·e1 and +6·e1 with weights p1 and 1-p1. */
    public static Shard twoModes(int n, int d, double p1, SplittableRandom rng) {
        double[][] means = new double[2][d];
        means[0][0] = -10;
        means[1][0] = 6;
        return gaussianMixture(n, means, new double[] {p1, 1 - p1}, 1.0, rng);
    }

    /** Eight Gaussians of std 0.02·radius on a circle of the given radius. */
    public static Shard eightGaussians(int n, double radius, SplittableRandom rng) {
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
    public static Shard rings(int n, double std, SplittableRandom rng) {
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
        return new Shard(v, n, new int[] {2}, labels);
    }

    /**
     * A tabular anomaly-detection set: inliers lie near a 2-dimensional curved sheet in d dimensions (two latent
     * coordinates u, v ~ N(0, 1); feature j = a_j·u + b_j·v + c_j·u² + 0.1·noise, with a, b, c drawn once from
     * {@code structureSeed}). Anomalies (label 1, exactly round(fraction·n) of them, at random positions) are of two
     * kinds, alternating: global ones uniform in the box [−4, 4]^d around the data's scale, and local ones made like
     * inliers but with 5x the noise (0.5), so they sit just off the sheet and some overlap with inliers. Labels:
     * 0 inlier, 1 anomaly.
     */
    public static Shard anomalies(int n, int d, double fraction, long structureSeed, SplittableRandom rng) {
        SplittableRandom st = new SplittableRandom(structureSeed);
        double[] a = new double[d];
        double[] b = new double[d];
        double[] c = new double[d];
        for (int j = 0; j < d; j++) {
            a[j] = st.nextGaussian();
            b[j] = st.nextGaussian();
            c[j] = 0.5 * st.nextGaussian();
        }
        int anomalies = (int) Math.round(fraction * n);
        int[] label = new int[n];
        for (int k = 0; k < anomalies; k++) {
            label[k] = 1;
        }
        for (int i = n - 1; i > 0; i--) { // shuffle the labels (Fisher–Yates)
            int j = rng.nextInt(i + 1);
            int t = label[i];
            label[i] = label[j];
            label[j] = t;
        }
        float[] v = new float[n * d];
        int seen = 0;
        for (int i = 0; i < n; i++) {
            if (label[i] == 1 && seen++ % 2 == 0) {
                for (int j = 0; j < d; j++) {
                    v[i * d + j] = (float) (-4 + 8 * rng.nextDouble());
                }
            } else {
                double noise = label[i] == 1 ? 0.5 : 0.1;
                double u = rng.nextGaussian();
                double w = rng.nextGaussian();
                for (int j = 0; j < d; j++) {
                    v[i * d + j] = (float) (a[j] * u + b[j] * w + c[j] * u * u + noise * rng.nextGaussian());
                }
            }
        }
        return new Shard(v, n, new int[] {d}, label);
    }
}
