package org.sparkebm.core.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An energy built on another one that owns the parameters (a base measure added to a network, a classifier read as
 * an energy, a class-conditional view): shape, type, θ and buffer release are the wrapped model's.
 */
public abstract class ForwardingEnergy implements EnergyModel {
    /** The model that owns θ. */
    protected final EnergyModel wrapped;

    protected ForwardingEnergy(EnergyModel wrapped) {
        this.wrapped = wrapped;
    }

    @Override
    public int[] sampleShape() {
        return wrapped.sampleShape();
    }

    @Override
    public long numParams() {
        return wrapped.numParams();
    }

    @Override
    public DataType dataType() {
        return wrapped.dataType();
    }

    @Override
    public INDArray params() {
        return wrapped.params();
    }

    @Override
    public void setParams(INDArray flat) {
        wrapped.setParams(flat);
    }

    @Override
    public void release() {
        wrapped.release();
    }
}
