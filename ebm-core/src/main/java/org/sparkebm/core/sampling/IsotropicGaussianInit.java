package org.sparkebm.core.sampling;

import java.util.SplittableRandom;
import org.sparkebm.core.data.Shard;

/** Exact draws from N(0, s²I): the initial model of a {@code GaussianBaseEnergy} whose output layer is zero. */
public record IsotropicGaussianInit(int dim, double std) implements ChainInitializer {
    @Override
    public void draw(float[] out, int offset, Shard shard, SplittableRandom rng) {
        for (int j = 0; j < dim; j++) {
            out[offset + j] = (float) (std * rng.nextGaussian());
        }
    }
}
