package org.sparkebm.core.privacy;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Device-level differential privacy (DP-FedAvg style, McMahan et al. 2018, on the training devices): each device's
 * δ^p is clipped to l2 norm {@code clip}; Gaussian noise of std {@code noise·clip} is added on the device (before
 * compression and error feedback, so everything after it is post-processing of noised, clipped values and the
 * residual never carries unclipped information) or once to the sum at the driver (then error feedback must be
 * off: Top-k, Block-Sign and identity never increase the l2 norm, so each message stays within the bound). The
 * sum is divided by the expected number of devices q·P (not the realised count) so the sensitivity stays C.
 *
 * @param clip     C > 0 (0: privacy off)
 * @param noise    noise multiplier σ
 * @param where    {@code device} or {@code driver}
 * @param delta    δ of the reported (ε, δ)
 * @param epsilonBudget stop before a round would take ε past this (∞: no budget)
 */
public record PrivacySpec(double clip, double noise, NoiseAt where, double delta, double epsilonBudget)
        implements Serializable {

    public boolean enabled() {
        return clip > 0;
    }

    /** v ← v · min(1, C / ||v||); returns the norm before clipping. {@code v} is read and written. */
    public double clipInPlace(float[] v) {
        double s = 0;
        for (float f : v) {
            s += (double) f * f;
        }
        double norm = Math.sqrt(s);
        if (norm > clip) {
            float scale = (float) (clip / norm);
            for (int i = 0; i < v.length; i++) {
                v[i] *= scale;
            }
        }
        return norm;
    }

    /** v += N(0, (σC)² I), drawn from {@code rng}. {@code v} is read and written. */
    public void addNoise(float[] v, SplittableRandom rng) {
        double std = noise * clip;
        for (int i = 0; i < v.length; i++) {
            v[i] += (float) (std * rng.nextGaussian());
        }
    }
}
