package org.sparkebm.core.sampling;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.sparkebm.core.data.Shard;

/**
 * Draws fresh chain starts. Implementations are immutable and thread-safe; randomness comes only from the
 * generator passed in (one per chain, derived from the run seed).
 */
public interface ChainInitializer extends Serializable {

    /**
     * Writes one fresh sample into {@code out[offset, offset + dim)} (written).
     *
     * @param shard the device's own data (read; used by data initialisation only), so that no initialiser has to
     *              hold raw data and device state never carries it
     */
    void draw(float[] out, int offset, Shard shard, SplittableRandom rng);

    /** Sample length. */
    int dim();
}
