package org.sparkebm.core.train;

import java.io.Serializable;

/**
 * The Jarzynski part of a device's state (Carbone et al., "Efficient Training of Energy-Based Models Using Jarzynski
 * Equality", 2023): per walker its log-weight A_i and what is needed to finish the weight update of its last move
 * once the next θ is known.
 *
 * <p>The move X → X' made with θ_t changes A by {@code α_t(X, X') − α_{t+1}(X', X)}; the first term is known at
 * the end of round t ({@code pending}), the second needs U_{t+1} and ∇U_{t+1} at X', which round t+1 computes
 * anyway for its own Langevin step. Treated as immutable.
 *
 * @param logW          A_i, consistent with θ of the last completed update
 * @param pending       α_t(X_i, X'_i) of the last move, to be added when θ_{t+1} arrives
 * @param lastMove      X' − X of the last move, row-major ({@code walkers × d})
 * @param gradientLogW  A as used in the last gradient (the driver's resampling decision refers to these)
 * @param hasPending    whether a move awaits completion (false before the first round)
 * @param modelResidual error-feedback residual of the weighted model-gradient compressor, or {@code null}
 */
public record JarzynskiState(double[] logW, double[] pending, float[] lastMove, double[] gradientLogW,
                             boolean hasPending, float[] modelResidual) implements Serializable {

    /** All weights equal (A = 0), nothing pending. */
    public static JarzynskiState fresh(int walkers, int dim, long numParams, boolean errorFeedback) {
        return new JarzynskiState(new double[walkers], new double[walkers], new float[walkers * dim],
                new double[walkers], false, errorFeedback ? new float[Math.toIntExact(numParams)] : null);
    }
}
