package org.sparkebm.core.model;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * E(x) = f_θ(x) + B(x): an energy with a Gaussian base measure, either N(0, s²I) (B = |x|²/(2s²)) or a Gaussian
 * N(μ, Σ) fitted to the data ({@link FittedGaussian}, B = ½(x − μ)ᵀΣ⁻¹(x − μ)). With f's output layer set to zero
 * the model is exactly the base, so walkers can be drawn from the initial model (Jarzynski training needs that:
 * Carbone et al., "Efficient Training of Energy-Based Models Using Jarzynski Equality", 2023). The base term has no
 * parameters: the θ-gradient is f's.
 */
public final class GaussianBaseEnergy extends ForwardingEnergy {
    private final double std;
    private final FittedGaussian fitted;

    public GaussianBaseEnergy(EnergyModel inner, double std) {
        super(inner);
        if (!(std > 0)) {
            throw new IllegalArgumentException("base std must be > 0");
        }
        this.std = std;
        this.fitted = null;
    }

    public GaussianBaseEnergy(EnergyModel inner, FittedGaussian fitted) {
        super(inner);
        if (fitted.dim() != inner.inputDim()) {
            throw new IllegalArgumentException("the Gaussian base has dimension " + fitted.dim() + ", samples have "
                    + inner.inputDim());
        }
        this.std = Double.NaN;
        this.fitted = fitted;
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
        return wrapped;
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
    public INDArray energy(INDArray x) {
        return wrapped.energy(x).addi(base(x));
    }

    @Override
    public INDArray energyAndInputGradient(INDArray x, INDArray gradient) {
        INDArray e = wrapped.energyAndInputGradient(x, gradient);
        if (fitted != null) {
            return e.addi(fitted.energy(x, gradient));
        }
        gradient.addi(x.mul(1.0 / (std * std)));
        return e.addi(base(x));
    }

    @Override
    public ParamGradient paramGradient(INDArray x, UnaryOperator<INDArray> coeffs) {
        INDArray b = base(x);
        ParamGradient g = wrapped.paramGradient(x, fe -> coeffs.apply(fe.add(b)));
        return new ParamGradient(g.energies().addi(b), g.gradient());
    }

    @Override
    public GaussianBaseEnergy copy() {
        return fitted != null ? new GaussianBaseEnergy(wrapped.copy(), fitted) : new GaussianBaseEnergy(wrapped.copy(), std);
    }
}
