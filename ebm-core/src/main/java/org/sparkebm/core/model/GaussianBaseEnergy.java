package org.sparkebm.core.model;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * E(x) = f_θ(x) + B(x): an energy with a Gaussian base measure, either N(0, s²I) (B = |x|²/(2s²)) or a Gaussian
 * N(μ, Σ) fitted to the data ({@link FittedGaussian}, B = ½(x − μ)ᵀΣ⁻¹(x − μ)). With f's output layer set to zero
 * the model is exactly the base, so walkers can be drawn from the initial model (Jarzynski training needs that,
 * seed 003). The base term has no parameters: the θ-gradient is f's.
 */
public final class GaussianBaseEnergy implements EnergyModel {
    private final EnergyModel inner;
    private final double std;
    private final FittedGaussian fitted;

    public GaussianBaseEnergy(EnergyModel inner, double std) {
        if (!(std > 0)) {
            throw new IllegalArgumentException("base std must be > 0");
        }
        this.inner = inner;
        this.std = std;
        this.fitted = null;
    }

    public GaussianBaseEnergy(EnergyModel inner, FittedGaussian fitted) {
        if (fitted.dim() != flat(inner.sampleShape())) {
            throw new IllegalArgumentException("the Gaussian base has dimension " + fitted.dim() + ", samples have "
                    + flat(inner.sampleShape()));
        }
        this.inner = inner;
        this.std = Double.NaN;
        this.fitted = fitted;
    }

    private static int flat(int[] shape) {
        int d = 1;
        for (int s : shape) {
            d *= s;
        }
        return d;
    }

    /** The fitted base, or null for N(0, s²I). */
    public FittedGaussian fitted() {
        return fitted;
    }

    /** log Z of the base alone (the model's when f is zero). */
    public double baseLogPartition() {
        return fitted != null ? fitted.logPartition() : 0.5 * inputDim() * Math.log(2 * Math.PI * std * std);
    }

    public EnergyModel inner() {
        return inner;
    }

    public double std() {
        return std;
    }

    private INDArray base(INDArray x) {
        if (fitted != null) {
            return fitted.energy(x, null);
        }
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
    public void release() {
        inner.release();
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
        INDArray e = inner.energyAndInputGradient(x, gradient);
        if (fitted != null) {
            return e.addi(fitted.energy(x, gradient));
        }
        gradient.addi(x.mul(1.0 / (std * std)));
        return e.addi(base(x));
    }

    @Override
    public ParamGradient paramGradient(INDArray x, UnaryOperator<INDArray> coeffs) {
        INDArray b = base(x);
        ParamGradient g = inner.paramGradient(x, fe -> coeffs.apply(fe.add(b)));
        return new ParamGradient(g.energies().addi(b), g.gradient());
    }

    @Override
    public GaussianBaseEnergy copy() {
        return fitted != null ? new GaussianBaseEnergy(inner.copy(), fitted) : new GaussianBaseEnergy(inner.copy(), std);
    }
}
