package org.sparkebm.core.model;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The hybrid discriminative–generative models (JEM, M-JEM) of Yang and Ji, "M-EBM: Towards Understanding the
 * Manifolds of Energy-Based Models", 2023, on a DL4J MLP trunk h(x) (the {@link MlpEnergy} layers) with one linear
 * read-out of K + 1 columns: the classifier's logits f(x) (columns 0…K−1) and, for M-JEM, the
 * energy head g(h(x)) (column K: an extra dense layer on the classifier's features, here sharing the read-out's
 * matrix multiply).
 *
 * <ul>
 *   <li>{@link Kind#JEM}: E(x) = −logsumexp_y f(x)[y] (the energy head is unused);</li>
 *   <li>{@link Kind#MJEM}: E(x) = g(h(x)), the head that carries the L2 energy regularisation.</li>
 * </ul>
 * Both classify with p(y|x) = softmax f(x), and the class-conditional energy is E(x) − log p(y|x) (for JEM that is
 * −f(x)[y]). Every gradient is one DL4J backpropagation of ∂L/∂(outputs); {@code GradientCheck} tests check them
 * against finite differences.
 */
public final class HybridEnergy extends ForwardingEnergy {
    /** Which energy. */
    public enum Kind { JEM, MJEM }

    private final Kind kind;
    private final int classes;
    private final MlpEnergy net;

    public HybridEnergy(Kind kind, int classes, int[] sampleShape, int[] hidden, Activation activation, DataType type) {
        this(kind, classes, new MlpEnergy(sampleShape, hidden, activation, type, checked(classes) + 1));
    }

    private static int checked(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        return classes;
    }

    private HybridEnergy(Kind kind, int classes, MlpEnergy net) {
        super(net);
        this.kind = kind;
        this.classes = classes;
        this.net = net;
    }

    /** Seeded fan-in initialisation of every layer. */
    public HybridEnergy initialise(SplittableRandom rng) {
        net.initialise(rng);
        return this;
    }

    public Kind kind() {
        return kind;
    }

    public int classes() {
        return classes;
    }

    private INDArray logitsOf(INDArray out) {
        return out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, classes));
    }

    /** Row-wise softmax of the logits, new {@code [n, K]}. */
    private static INDArray softmax(INDArray logits) {
        INDArray z = logits.subColumnVector(logits.max(1).reshape(-1, 1));
        INDArray e = Transforms.exp(z, true);
        return e.diviColumnVector(e.sum(1).reshape(-1, 1));
    }

    /** E per row from the outputs. */
    private INDArray energyOf(INDArray out) {
        if (kind == Kind.MJEM) {
            return out.getColumn(classes).dup();
        }
        INDArray logits = logitsOf(out);
        INDArray max = logits.max(1);
        INDArray lse = Transforms.log(Transforms.exp(logits.subColumnVector(max.reshape(-1, 1)), true).sum(1), false)
                .addi(max);
        return lse.negi();
    }

    /** ∂E_i/∂outputs_i, new {@code [n, K + 1]}. */
    private INDArray energyGradOut(INDArray out) {
        INDArray g = Nd4j.zeros(out.dataType(), out.size(0), classes + 1);
        if (kind == Kind.MJEM) {
            g.getColumn(classes).assign(1);
        } else {
            g.get(NDArrayIndex.all(), NDArrayIndex.interval(0, classes)).assign(softmax(logitsOf(out)).negi());
        }
        return g;
    }

    /** Classifier logits f(x), new {@code [n, K]}; x read. */
    public INDArray logits(INDArray x) {
        return logitsOf(net.outputs(x)).dup();
    }

    /**
     * Energies and p(y|x) from one forward pass (scoring needs both).
     *
     * @param x read, {@code [n, d]}
     * @return {energies [n], probabilities [n, K]}, new arrays
     */
    public INDArray[] energyAndProbabilities(INDArray x) {
        INDArray out = net.outputs(x);
        return new INDArray[] {energyOf(out), softmax(logitsOf(out))};
    }

    @Override
    public INDArray energy(INDArray x) {
        return energyOf(net.outputs(x));
    }

    @Override
    public INDArray energyAndInputGradient(INDArray x, INDArray gradient) {
        INDArray out = net.outputs(x);
        INDArray e = energyOf(out);
        gradient.assign(net.backprop(energyGradOut(out))[0]);
        return e;
    }

    @Override
    public ParamGradient paramGradient(INDArray x, UnaryOperator<INDArray> coeffs) {
        INDArray out = net.outputs(x);
        INDArray e = energyOf(out);
        INDArray eps = energyGradOut(out).muliColumnVector(coeffs.apply(e).reshape(-1, 1).castTo(out.dataType()));
        return new ParamGradient(e, net.backprop(eps)[1]);
    }

    /**
     * The hybrid objective's gradient in one pass: {@code clfWeight} · mean cross-entropy of the labelled rows
     * {@code xClf} plus Σ_j c_j ∂θE(x_j) over {@code xGen} with c = coeffs(E(xGen)) (the contrastive loss).
     *
     * @param xClf   read, {@code [m, d]}, the (augmented) classification batch
     * @param labels read, m class indices in [0, K)
     * @param xGen   read, {@code [n, d]} positives then negatives, or null for a plain classifier step
     */
    public HybridGradient hybridGradient(INDArray xClf, int[] labels, double clfWeight, INDArray xGen,
                                         UnaryOperator<INDArray> coeffs) {
        int m = (int) xClf.size(0);
        INDArray x = xGen == null ? xClf : Nd4j.vstack(xClf, xGen);
        INDArray out = net.outputs(x);
        INDArray eps = Nd4j.zeros(out.dataType(), out.size(0), classes + 1);
        INDArray clfOut = out.get(NDArrayIndex.interval(0, m), NDArrayIndex.interval(0, classes));
        // the cross-entropy bookkeeping on a Java copy of the m×K probabilities (no ND4J call per row)
        double[][] p = softmax(clfOut).castTo(DataType.DOUBLE).toDoubleMatrix();
        double ce = 0;
        int correct = 0;
        for (int i = 0; i < m; i++) {
            int y = labels[i];
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("label " + y + " outside [0, " + classes + ")");
            }
            ce -= Math.log(Math.max(p[i][y], Double.MIN_NORMAL));
            correct += argMax(p[i]) == y ? 1 : 0;
            p[i][y] -= 1; // ∂CE_i/∂logits = softmax − onehot(y)
            for (int k = 0; k < classes; k++) {
                p[i][k] *= clfWeight / m;
            }
        }
        eps.get(NDArrayIndex.interval(0, m), NDArrayIndex.interval(0, classes))
                .assign(Nd4j.create(p).castTo(out.dataType()));
        // without generative rows, the classification rows' energies (from the same forward pass) for the metrics
        INDArray energies = xGen == null ? energyOf(out) : null;
        if (xGen != null) {
            INDArray genOut = out.get(NDArrayIndex.interval(m, out.size(0)), NDArrayIndex.all());
            energies = energyOf(genOut);
            INDArray c = coeffs.apply(energies).reshape(-1, 1).castTo(out.dataType());
            eps.get(NDArrayIndex.interval(m, out.size(0)), NDArrayIndex.all())
                    .assign(energyGradOut(genOut).muliColumnVector(c));
        }
        INDArray grad = net.backprop(eps)[1];
        return new HybridGradient(energies, grad, ce / m, (double) correct / m);
    }

    /** Index of the largest entry (the first on ties). */
    public static int argMax(double[] v) {
        int arg = 0;
        for (int k = 1; k < v.length; k++) {
            arg = v[k] > v[arg] ? k : arg;
        }
        return arg;
    }

    /**
     * @param energies   E of the generative rows; without generative rows, E of the classification rows
     * @param gradient   flat ∂θ of the objective
     * @param crossEntropy mean cross-entropy of the classification rows
     * @param accuracy   their accuracy (argmax f = label)
     */
    public record HybridGradient(INDArray energies, INDArray gradient, double crossEntropy, double accuracy) {}

    /**
     * The class-conditional energy E_y(x) = E(x) − log p(y|x), whose Langevin chains sample p(x|y); supports
     * energies and input gradients (not training).
     */
    public EnergyModel conditional(int y) {
        if (y < 0 || y >= classes) {
            throw new IllegalArgumentException("class " + y + " outside [0, " + classes + ")");
        }
        HybridEnergy self = this;
        return new ForwardingEnergy(self) {
            private INDArray energyOf(INDArray out) {
                INDArray p = softmax(self.logitsOf(out));
                INDArray logp = Transforms.log(p.getColumn(y), true);
                return self.energyOf(out).subi(logp);
            }

            @Override
            public INDArray energy(INDArray x) {
                return energyOf(net.outputs(x));
            }

            @Override
            public INDArray energyAndInputGradient(INDArray x, INDArray gradient) {
                INDArray out = net.outputs(x);
                INDArray e = energyOf(out);
                // ∂(−log softmax_y)/∂logits = p − onehot(y)
                INDArray g = self.energyGradOut(out);
                INDArray p = softmax(self.logitsOf(out));
                p.getColumn(y).subi(1);
                g.get(NDArrayIndex.all(), NDArrayIndex.interval(0, classes)).addi(p);
                gradient.assign(net.backprop(g)[0]);
                return e;
            }

            @Override
            public ParamGradient paramGradient(INDArray x, UnaryOperator<INDArray> coeffs) {
                throw new UnsupportedOperationException("the class-conditional energy is for sampling only");
            }

            @Override
            public EnergyModel copy() {
                return self.copy().conditional(y);
            }
        };
    }

    @Override
    public HybridEnergy copy() {
        return new HybridEnergy(kind, classes, net.copy());
    }

    @Override
    public String toString() {
        return kind + "(" + classes + " classes, " + net + ")";
    }
}
