package org.sparkebm.core.sampling;

import java.util.SplittableRandom;
import org.sparkebm.core.data.Shard;

/** Uniform noise U(lo, hi)^d, the classic short-run / IGEBM initialisation. */
public record UniformInit(int dim, double lo, double hi) implements ChainInitializer {
    public UniformInit {
        if (dim < 1 || !(lo < hi)) {
            throw new IllegalArgumentException("uniform init needs dim >= 1 and lo < hi");
        }
    }

    @Override
    public void draw(float[] out, int offset, Shard shard, SplittableRandom rng) {
        for (int j = 0; j < dim; j++) {
            out[offset + j] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
    }
}
