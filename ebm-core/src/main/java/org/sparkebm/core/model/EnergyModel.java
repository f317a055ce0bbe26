package org.sparkebm.core.model;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An energy E_θ(x), p_θ(x) ∝ exp(−E_θ(x)), over samples flattened to rows of length {@link #inputDim()}.
 *
 * <p>Call order: {@link #setParams(INDArray)} (θ as one flat vector), then any number of {@link #energy},
 * {@link #energyAndInputGradient} (for Langevin) and {@link #paramGradient} (for training) calls. Instances hold
 * scratch state and are <b>not thread-safe</b>: use {@link #copy()} to get one per thread / Spark task.
 */
public interface EnergyModel {

    /** Shape of one sample, e.g. {@code {2}} or {@code {1, 28, 28}}. */
    int[] sampleShape();

    /** Length of a flattened sample. */
    /**
     * Frees native scratch memory now rather than at the next garbage collection (models that keep activation
     * buffers hold tens of MB off-heap). The model must not be used afterwards. Default: nothing to free.
     */
    default void release() {}

    default int inputDim() {
        int d = 1;
        for (int s : sampleShape()) {
            d *= s;
        }
        return d;
    }

    /** Number of parameters, the length of θ. */
    long numParams();

    /** Element type of θ and of all arrays this model accepts. */
    DataType dataType();

    /** θ as a new flat array (a copy; writing it does not change the model). */
    INDArray params();

    /** Sets θ. {@code flat}: read, length {@link #numParams()}; copied, so the caller may reuse it. */
    void setParams(INDArray flat);

    /**
     * Energies of a batch.
     *
     * @param x read, {@code [n, inputDim]}
     * @return new {@code [n]} array
     */
    INDArray energy(INDArray x);

    /**
     * Energies and the input gradient d(Σ_i E(x_i))/dx, i.e. ∇_x E per row.
     *
     * @param x        read, {@code [n, inputDim]}
     * @param gradient written, {@code [n, inputDim]}, must not alias {@code x}
     * @return new {@code [n]} array of energies
     */
    INDArray energyAndInputGradient(INDArray x, INDArray gradient);

    /**
     * Vector-Jacobian product in parameter space: Σ_i c_i ∂θ E(x_i), where the coefficients c = coeffs(E(x)) may
     * depend on the energies (as in the L2-regularised contrastive loss), computed with one forward pass.
     *
     * @param x      read, {@code [n, inputDim]}
     * @param coeffs maps the energies {@code [n]} (read only) to coefficients {@code [n]}
     * @return the energies and the flat gradient, both new arrays
     */
    ParamGradient paramGradient(INDArray x, UnaryOperator<INDArray> coeffs);

    /** Same architecture and θ, fresh scratch state. */
    EnergyModel copy();

    /** Energies and a flat parameter gradient. */
    record ParamGradient(INDArray energies, INDArray gradient) {}
}
