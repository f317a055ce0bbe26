package org.sparkebm.core.model;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkebm.core.util.LogSpace;

/**
 * Isotropic Gaussian-mixture energy with unit covariances (W1 {@code gmm50}):
 * {@code E(x) = −log Σ_k exp(−|x − a_k|²/2 − z_k)}, θ = (a_1 … a_K row-major, z_1 … z_K).
 *
 * <p>Analytic gradients with responsibilities r_ik = softmax_k(−|x_i − a_k|²/2 − z_k):
 * ∇_x E = Σ_k r_k (x − a_k), ∂E/∂a_k = −r_k (x − a_k), ∂E/∂z_k = r_k. Frozen parameters get a zero gradient.
 * The learned weight of mode k is softmax(−z)_k.
 */
public final class GaussianMixtureEnergy extends FlatParamEnergy {
    private final int components;
    private final int dim;
    private final boolean[] frozen;
    private final INDArray means; // view [K, D] of θ = [K*D + K]
    private final INDArray z;     // view [1, K]

    /**
     * @param frozen per-parameter flags (length K·D + K) or {@code null}: a frozen parameter gets a zero gradient
     */
    public GaussianMixtureEnergy(int components, int dim, boolean[] frozen, DataType type) {
        super(checked(components, dim), new int[] {dim}, type);
        this.components = components;
        this.dim = dim;
        int n = components * dim + components;
        if (frozen != null && frozen.length != n) {
            throw new IllegalArgumentException("frozen mask has length " + frozen.length + ", expected " + n);
        }
        this.frozen = frozen == null ? new boolean[n] : frozen.clone();
        this.means = theta.get(NDArrayIndex.interval(0, components * dim)).reshape('c', components, dim);
        this.z = theta.get(NDArrayIndex.interval(components * dim, n)).reshape('c', 1, components);
    }

    private static long checked(int components, int dim) {
        if (components < 1 || dim < 1) {
            throw new IllegalArgumentException("mixture needs components >= 1 and dim >= 1");
        }
        return (long) components * dim + components;
    }

    /** Index in θ of the log-weight z_k. */
    public int logWeightIndex(int k) {
        return components * dim + k;
    }

    /** Index in θ of coordinate j of mean k. */
    public int meanIndex(int k, int j) {
        return k * dim + j;
    }

    public int components() {
        return components;
    }

    /** The learned mode weights softmax(−z), in double. */
    public double[] modeWeights() {
        double[] zs = z.toDoubleVector();
        double m = Double.NEGATIVE_INFINITY;
        for (double v : zs) {
            m = Math.max(m, -v);
        }
        double s = 0;
        double[] w = new double[zs.length];
        for (int k = 0; k < zs.length; k++) {
            w[k] = Math.exp(-zs[k] - m);
            s += w[k];
        }
        for (int k = 0; k < w.length; k++) {
            w[k] /= s;
        }
        return w;
    }

    /** log Z = log Σ_k exp(−z_k) + (D/2) log 2π, exact for unit covariances. */
    public double logPartition() {
        double[] zs = z.toDoubleVector();
        double[] neg = new double[zs.length];
        for (int k = 0; k < zs.length; k++) {
            neg[k] = -zs[k];
        }
        return LogSpace.logSumExp(neg) + 0.5 * dim * Math.log(2 * Math.PI);
    }

    /** The means as {@code [K][D]} doubles. */
    public double[][] meanVectors() {
        return means.toDoubleMatrix();
    }

    /** logits_ik = −|x_i − a_k|²/2 − z_k, new [n, K]. */
    private INDArray logits(INDArray x) {
        INDArray xa = x.mmul(means.transpose());                    // [n,K]
        INDArray x2 = x.mul(x).sum(true, 1);                         // [n,1]
        INDArray a2 = means.mul(means).sum(true, 1).transpose();     // [1,K]
        return xa.subiColumnVector(x2.mul(0.5)).subiRowVector(a2.mul(0.5)).subiRowVector(z);
    }

    /** energies (new [n]) and responsibilities written into logits (in place softmax). */
    private INDArray energiesAndResponsibilities(INDArray logits) {
        INDArray max = logits.max(true, 1);
        logits.subiColumnVector(max);
        Transforms.exp(logits, false);
        INDArray sum = logits.sum(true, 1);
        logits.diviColumnVector(sum);
        return Transforms.log(sum, false).addi(max).negi().reshape(-1);
    }

    @Override
    public INDArray energy(INDArray x) {
        return energiesAndResponsibilities(logits(x));
    }

    @Override
    public INDArray energyAndInputGradient(INDArray x, INDArray gradient) {
        INDArray r = logits(x);
        INDArray e = energiesAndResponsibilities(r);
        // ∇x E = x − r·A
        gradient.assign(x).subi(r.mmul(means));
        return e;
    }

    @Override
    public ParamGradient paramGradient(INDArray x, UnaryOperator<INDArray> coeffs) {
        INDArray r = logits(x);
        INDArray e = energiesAndResponsibilities(r);
        INDArray c = coeffs.apply(e).reshape(-1, 1);
        INDArray cr = r.mulColumnVector(c);                          // [n,K]
        INDArray g = Nd4j.zeros(type, theta.length());
        INDArray gA = g.get(NDArrayIndex.interval(0, components * dim)).reshape('c', components, dim);
        INDArray gz = g.get(NDArrayIndex.interval(components * dim, theta.length())).reshape('c', 1, components);
        // ∂/∂a_k Σ_i c_i E_i = −Σ_i c_i r_ik (x_i − a_k) = −(crᵀ X)_k + (Σ_i c_i r_ik) a_k
        INDArray colSum = cr.sum(true, 0);                           // [1,K]
        gA.assign(means.mulColumnVector(colSum.transpose()).subi(cr.transpose().mmul(x)));
        gz.assign(colSum);
        for (int i = 0; i < frozen.length; i++) {
            if (frozen[i]) {
                g.putScalar(i, 0);
            }
        }
        return new ParamGradient(e, g);
    }

    @Override
    public GaussianMixtureEnergy copy() {
        GaussianMixtureEnergy m = new GaussianMixtureEnergy(components, dim, frozen, type);
        m.setParams(theta);
        return m;
    }
}
