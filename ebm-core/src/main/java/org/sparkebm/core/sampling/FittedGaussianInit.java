package org.sparkebm.core.sampling;

import java.util.SplittableRandom;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.model.FittedGaussian;

/**
 * Exact draws from the fitted Gaussian base at {@code path}: the initial model of a {@code GaussianBaseEnergy} with a
 * {@link FittedGaussian} base and a zero output layer. Holds the path, not the 2·d² floats, so device states and
 * their checkpoints stay small; the base is read once per JVM.
 */
public record FittedGaussianInit(int dim, String path) implements ChainInitializer {
    @Override
    public void draw(float[] out, int offset, Shard shard, SplittableRandom rng) {
        FittedGaussian.read(path).draw(out, offset, rng);
    }
}
