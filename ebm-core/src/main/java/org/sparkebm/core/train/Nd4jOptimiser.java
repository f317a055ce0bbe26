package org.sparkebm.core.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.sparkebm.core.config.OptimiserSpec;
import org.sparkebm.core.config.OptimizerType;

/**
 * An {@link Optimiser} on ND4J's own updaters ({@code Sgd}, {@code Adam}, …): the update rule is ND4J's, not
 * hand-written. An optional per-parameter learning-rate scale multiplies the update (W1 uses a 5x larger rate
 * for the mixture log-weights than for the means).
 */
public final class Nd4jOptimiser implements Optimiser {
    private static final long serialVersionUID = 1L;
    private final IUpdater config;
    private final long numParams;
    private final float[] lrScale;
    private transient INDArray stateView;
    private transient GradientUpdater<?> updater;

    /**
     * @param lrScale per-parameter multipliers of the update (length numParams, read and copied), or {@code null}
     */
    /** The optimiser {@code spec} describes, for {@code numParams} parameters with optional per-parameter scales. */
    public static Nd4jOptimiser of(OptimiserSpec spec, long numParams, float[] lrScale) {
        IUpdater u = spec.type() == OptimizerType.SGD ? new Sgd(spec.lr())
                : new Adam(spec.lr(), spec.beta1(), spec.beta2(), 1e-8);
        return new Nd4jOptimiser(u, numParams, lrScale);
    }

    public Nd4jOptimiser(IUpdater config, long numParams, float[] lrScale) {
        if (lrScale != null && lrScale.length != numParams) {
            throw new IllegalArgumentException("lr scale has length " + lrScale.length + ", expected " + numParams);
        }
        this.config = config.clone();
        this.numParams = numParams;
        this.lrScale = lrScale == null ? null : lrScale.clone();
        init();
    }

    private void init() {
        long n = config.stateSize(numParams);
        stateView = n > 0 ? Nd4j.zeros(DataType.FLOAT, 1, n) : null;
        updater = config.instantiate(stateView, true);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        init();
    }

    @Override
    public void step(INDArray theta, INDArray gradient, int iteration, double lrMultiplier) {
        if (gradient.length() != numParams || theta.length() != numParams) {
            throw new IllegalArgumentException("optimiser for " + numParams + " parameters given " + gradient.length());
        }
        INDArray u = gradient.castTo(DataType.FLOAT).dup().reshape(1, numParams);
        updater.applyUpdater(u, iteration, 0);
        if (lrScale != null) {
            u.muli(Nd4j.createFromArray(lrScale).reshape(1, numParams));
        }
        if (lrMultiplier != 1.0) {
            u.muli(lrMultiplier);
        }
        theta.subi(u.reshape(theta.shape()).castTo(theta.dataType()));
    }

    @Override
    public INDArray state() {
        return stateView == null ? Nd4j.empty(DataType.FLOAT) : stateView.dup();
    }

    @Override
    public void setState(INDArray state) {
        if (stateView == null) {
            if (state.length() != 0) {
                throw new IllegalArgumentException("stateless optimiser given a state of length " + state.length());
            }
            return;
        }
        if (state.length() != stateView.length()) {
            throw new IllegalArgumentException("optimiser state has length " + state.length() + ", expected " + stateView.length());
        }
        stateView.assign(state.reshape(stateView.shape()));
    }

    @Override
    public Nd4jOptimiser copy() {
        return new Nd4jOptimiser(config, numParams, lrScale);
    }
}
