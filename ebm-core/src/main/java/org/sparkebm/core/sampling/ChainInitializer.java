package org.sparkebm.core.sampling;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Draws fresh chain starts. Implementations are immutable and thread-safe; randomness comes only from the
 * generator passed in (one per chain, derived from the run seed).
 */
public interface ChainInitializer extends Serializable {

    /** Writes one fresh sample into {@code out[offset, offset + dim)} (written). */
    void draw(float[] out, int offset, SplittableRandom rng);

    /** Sample length. */
    int dim();
}
