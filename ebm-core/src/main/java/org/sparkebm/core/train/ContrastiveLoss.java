package org.sparkebm.core.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The maximum-likelihood surrogate of an EBM with L2 energy regularisation (M-EBM: Yang and Ji,
 * "M-EBM: Towards Understanding the Manifolds of Energy-Based Models", 2023):
 * {@code L = mean E(x+) − Σ_i w_i E(x−_i) + a·(mean E(x+)² + Σ_i w_i E(x−_i)²)}, w_i = 1/m unless given
 * (Jarzynski weights: Carbone, Hua, Coste, Vanden-Eijnden, "Efficient Training of Energy-Based Models Using
 * Jarzynski Equality", 2023).
 * Its θ-gradient is Σ_j c_j ∂θE(x_j) over [x+; x−] with {@code c = (1 + 2aE)/n} on positives and
 * {@code c = w(−1 + 2aE)} on negatives, so one backward pass gives it.
 */
public final class ContrastiveLoss {
    private ContrastiveLoss() {}

    /**
     * Coefficients c for energies of the stacked batch [x+; x−].
     *
     * @param energies  read, {@code [nPos + nNeg]}
     * @param nPos      number of positive rows at the top
     * @param negWeights read, {@code [nNeg]} weights summing to 1, or {@code null} for uniform
     * @param l2        a ≥ 0
     * @return new {@code [nPos + nNeg]} array
     */
    public static INDArray coefficients(INDArray energies, int nPos, INDArray negWeights, double l2) {
        long n = energies.length();
        long nNeg = n - nPos;
        INDArray e = energies.reshape(-1);
        INDArray c = e.mul(2 * l2);
        INDArray cp = c.get(NDArrayIndex.interval(0, nPos));
        cp.addi(1.0).divi(nPos);
        INDArray cn = c.get(NDArrayIndex.interval(nPos, n));
        cn.subi(1.0);
        if (negWeights == null) {
            cn.divi(nNeg);
        } else {
            cn.muli(negWeights.reshape(-1).castTo(c.dataType()));
        }
        return c;
    }

    /** The loss value L for the same inputs (for metrics). */
    public static double value(INDArray energies, int nPos, INDArray negWeights, double l2) {
        long n = energies.length();
        INDArray e = energies.reshape(-1);
        INDArray ep = e.get(NDArrayIndex.interval(0, nPos));
        INDArray en = e.get(NDArrayIndex.interval(nPos, n));
        INDArray w = negWeights == null ? Nd4j.valueArrayOf(new long[] {n - nPos}, 1.0 / (n - nPos), e.dataType())
                : negWeights.reshape(-1).castTo(e.dataType());
        double meanPos = ep.meanNumber().doubleValue();
        double meanPos2 = ep.mul(ep).meanNumber().doubleValue();
        double wNeg = en.mul(w).sumNumber().doubleValue();
        double wNeg2 = en.mul(en).muli(w).sumNumber().doubleValue();
        return meanPos - wNeg + l2 * (meanPos2 + wNeg2);
    }
}
