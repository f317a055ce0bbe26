package org.sparkebm.core.sampling;

import java.util.SplittableRandom;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.model.GaussianMixtureEnergy;

/**
 * Exact draws from a unit-covariance Gaussian-mixture energy (its model distribution), e.g. the initial model
 * θ_0 from which Jarzynski walkers start with zero log-weights (Carbone et al.,
 * "Efficient Training of Energy-Based Models Using Jarzynski Equality", 2023; W1 in docs/workloads.md).
 */
public final class MixtureInit implements ChainInitializer {
    private static final long serialVersionUID = 1L;
    private final double[][] means;
    private final double[] weights;

    public MixtureInit(GaussianMixtureEnergy model) {
        this.means = model.meanVectors();
        this.weights = model.modeWeights();
    }

    @Override
    public int dim() {
        return means[0].length;
    }

    @Override
    public void draw(float[] out, int offset, Shard shard, SplittableRandom rng) {
        double u = rng.nextDouble();
        int k = 0;
        while (k < weights.length - 1 && u >= weights[k]) {
            u -= weights[k];
            k++;
        }
        for (int j = 0; j < means[k].length; j++) {
            out[offset + j] = (float) (means[k][j] + rng.nextGaussian());
        }
    }
}
