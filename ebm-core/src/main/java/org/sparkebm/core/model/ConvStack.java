package org.sparkebm.core.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The convolution + SiLU layers of a {@link ConvEnergy} for one batch size n: the features of a batch, and the
 * gradients back through them. The weights are read from the energy's θ at every {@link #forward}. An instance
 * keeps the activations of its last forward pass for the gradients that follow, so it is not thread-safe.
 */
interface ConvStack extends AutoCloseable {

    /**
     * The SiLU output of the last layer, flattened in (C, H, W) order.
     *
     * @param x read; fp32 or fp64 as the energy, 'c' order, offset 0, {@code [n, C·H·W]}
     * @return {@code [n, F]}, owned by the stack and valid until its next call
     */
    INDArray forward(INDArray x);

    /**
     * dE/dx for the x of the last {@link #forward}, given dE/d(features).
     *
     * @param dFeatures read and overwritten, {@code [n, F]}
     * @param dx        written, {@code [n, C·H·W]}
     */
    void inputGradient(INDArray dFeatures, INDArray dx);

    /**
     * dE/dW and dE/db of every layer for the x of the last {@link #forward}, given dE/d(features).
     *
     * @param dFeatures read and overwritten, {@code [n, F]}
     * @param dW        written, per layer {@code [kH, kW, iC, oC]} in 'c' order
     * @param dB        written, per layer {@code [oC]}
     */
    void paramGradient(INDArray dFeatures, INDArray[] dW, INDArray[] dB);

    /** Frees the native buffers. */
    @Override
    void close();
}
