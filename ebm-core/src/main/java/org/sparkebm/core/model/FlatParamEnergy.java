package org.sparkebm.core.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Base of energies that keep θ in one flat array of their own and expose their weights as views into it
 * (the mixture and conv energies; the MLP keeps DL4J's own flat parameter view instead).
 */
abstract class FlatParamEnergy implements EnergyModel {
    /** θ; subclasses take views of it, so it is only ever written in place. */
    protected final INDArray theta;
    protected final DataType type;
    private final int[] sampleShape;

    protected FlatParamEnergy(long numParams, int[] sampleShape, DataType type) {
        this.theta = Nd4j.zeros(type, numParams);
        this.type = type;
        this.sampleShape = sampleShape.clone();
    }

    @Override
    public final int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public final long numParams() {
        return theta.length();
    }

    @Override
    public final DataType dataType() {
        return type;
    }

    @Override
    public final INDArray params() {
        return theta.dup();
    }

    @Override
    public final void setParams(INDArray flat) {
        if (flat.length() != theta.length()) {
            throw new IllegalArgumentException("θ has length " + flat.length() + ", expected " + theta.length());
        }
        theta.assign(flat.reshape(theta.shape()));
    }
}
