package org.sparkebm.core.eval;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The Fréchet distance between two Gaussians (Heusel et al., "GANs Trained by a Two Time-Scale Update Rule
 * Converge to a Local Nash Equilibrium", 2017, where it is FID in Inception features):
 * ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½).
 *
 * <p>The trace of the matrix square root is taken from symmetric eigendecompositions (Commons Math's
 * {@link EigenDecomposition}): Σ₁^½ = V diag(√λ) Vᵀ, and tr (Σ₁^½ Σ₂ Σ₁^½)^½ = Σ √λᵢ of that symmetric positive
 * semi-definite product, which equals tr (Σ₁Σ₂)^½ of the usual formula without a square root of a non-symmetric
 * matrix. Eigenvalues that round-off makes slightly negative count as 0.
 */
public final class FrechetDistance {
    private FrechetDistance() {}

    /** The distance between {@code a} and {@code b} (same dimension). */
    public static double of(FeatureGaussian a, FeatureGaussian b) {
        if (a.dim() != b.dim()) {
            throw new IllegalArgumentException("features of " + a.dim() + " and " + b.dim() + " dimensions");
        }
        double mean = 0;
        for (int j = 0; j < a.dim(); j++) {
            double d = a.mean()[j] - b.mean()[j];
            mean += d * d;
        }
        RealMatrix rootA = sqrtPsd(a.covariance());
        RealMatrix product = rootA.multiply(b.covariance()).multiply(rootA);
        double crossTrace = 0;
        for (double l : new EigenDecomposition(symmetrised(product)).getRealEigenvalues()) {
            crossTrace += Math.sqrt(Math.max(l, 0));
        }
        return mean + a.covariance().getTrace() + b.covariance().getTrace() - 2 * crossTrace;
    }

    /** The symmetric square root of a symmetric positive semi-definite matrix. */
    static RealMatrix sqrtPsd(RealMatrix m) {
        EigenDecomposition e = new EigenDecomposition(symmetrised(m));
        double[] l = e.getRealEigenvalues();
        double[] root = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            root[i] = Math.sqrt(Math.max(l[i], 0));
        }
        return e.getV().multiply(MatrixUtils.createRealDiagonalMatrix(root)).multiply(e.getVT());
    }

    /** (M + Mᵀ) / 2: products of symmetric matrices are symmetric only up to round-off. */
    private static RealMatrix symmetrised(RealMatrix m) {
        return m.add(m.transpose()).scalarMultiply(0.5);
    }
}
