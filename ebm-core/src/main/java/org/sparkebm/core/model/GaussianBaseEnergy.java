package org.sparkebm.core.model;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * E(x) = f_θ(x) + |x|²/(2s²): an energy with a Gaussian base measure N(0, s²I). With f's output layer set to zero
 * the model is exactly N(0, s²I), so walkers can be drawn from the initial model (Jarzynski training needs that,
 * seed 003). The base term has no parameters: the θ-gradient is f's.
 */
public final class GaussianBaseEnergy implements EnergyModel {
    private final EnergyModel inner;
    private final double std;

    public GaussianBaseEnergy(EnergyModel inner, double std) {
        if (!(std > 0)) {
            throw new IllegalArgumentException("base std must be > 0");
        }
        this.inner = inner;
        this.std = std;
    }

    public EnergyModel inner() {
        return inner;
    }

    public double std() {
        return std;
    }

    private INDArray base(INDArray x) {
        return x.mul(x).sum(1).muli(0.5 / (std * std));
    }

    @Override
    public int[] sampleShape() {
        return inner.sampleShape();
    }

    @Override
    public long numParams() {
        return inner.numParams();
    }

    @Override
    public DataType dataType() {
        return inner.dataType();
    }

    @Override
    public INDArray params() {
        return inner.params();
    }

    @Override
    public void setParams(INDArray flat) {
        inner.setParams(flat);
    }

    @Override
    public INDArray energy(INDArray x) {
        return inner.energy(x).addi(base(x));
    }

    @Override
    public INDArray energyAndInputGradient(INDArray x, INDArray gradient) {
        INDArray e = inner.energyAndInputGradient(x, gradient).addi(base(x));
        gradient.addi(x.mul(1.0 / (std * std)));
        return e;
    }

    @Override
    public ParamGradient paramGradient(INDArray x, UnaryOperator<INDArray> coeffs) {
        INDArray b = base(x);
        ParamGradient g = inner.paramGradient(x, fe -> coeffs.apply(fe.add(b)));
        return new ParamGradient(g.energies().addi(b), g.gradient());
    }

    @Override
    public GaussianBaseEnergy copy() {
        return new GaussianBaseEnergy(inner.copy(), std);
    }
}
