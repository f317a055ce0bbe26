package org.sparkebm.core.sampling;

import java.util.SplittableRandom;
import org.sparkebm.core.data.Dataset;

/** Starts chains at a uniformly drawn row of the device's own data shard (PCD / CD). */
public record DataInit(Dataset shard) implements ChainInitializer {
    @Override
    public void draw(float[] out, int offset, SplittableRandom rng) {
        int d = shard.dim();
        int i = rng.nextInt(shard.rows());
        System.arraycopy(shard.values(), i * d, out, offset, d);
    }

    @Override
    public int dim() {
        return shard.dim();
    }
}
