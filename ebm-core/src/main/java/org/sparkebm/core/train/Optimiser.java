package org.sparkebm.core.train;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The driver-side parameter update θ ← θ − u(g).
 *
 * <p>Call order: construct for a parameter count, then {@link #step} once per round with increasing iteration;
 * {@link #state()} / {@link #setState(INDArray)} carry the optimiser state through checkpoints.
 */
public interface Optimiser extends Serializable {

    /**
     * One update.
     *
     * @param theta    read and written, flat
     * @param gradient read only, flat, same length
     */
    default void step(INDArray theta, INDArray gradient, int iteration) {
        step(theta, gradient, iteration, 1.0);
    }

    /**
     * One update scaled by {@code lrMultiplier} (θ ← θ − m·u(g)); the optimiser's state evolves as without it.
     * Used after divergence rollbacks.
     */
    void step(INDArray theta, INDArray gradient, int iteration, double lrMultiplier);

    /** A copy of the internal state (e.g. Adam's moments), or an empty array when stateless. */
    INDArray state();

    /** Restores a state from {@link #state()}; {@code state} is read (copied). */
    void setState(INDArray state);

    /** Same configuration, fresh state. */
    Optimiser copy();
}
