package org.sparkebm.core.sampling;

import java.util.SplittableRandom;
import org.sparkebm.core.data.Shard;

/** Starts chains at a uniformly drawn row of the device's own data shard (PCD / CD). */
public record DataInit(int dim) implements ChainInitializer {
    @Override
    public void draw(float[] out, int offset, Shard shard, SplittableRandom rng) {
        if (shard.dim() != dim) {
            throw new IllegalArgumentException("shard has dimension " + shard.dim() + ", expected " + dim);
        }
        int i = rng.nextInt(shard.rows());
        System.arraycopy(shard.values(), i * dim, out, offset, dim);
    }
}
