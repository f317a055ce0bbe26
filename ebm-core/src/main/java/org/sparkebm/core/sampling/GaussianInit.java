package org.sparkebm.core.sampling;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkebm.core.data.Shard;

/**
 * The informative initialisation of M-EBM (Yang and Ji, "M-EBM: Towards Understanding the Manifolds of Energy-Based
 * Models", 2023, §3.1): x = clamp(μ + L ξ) with N(μ, Σ = L Lᵀ) fitted to the data of the device's own shard (raw
 * data never leaves the device).
 *
 * <p>Covariance options: {@link Covariance#FULL} (Cholesky of the sample covariance + εI; d² floats, 2.4 MB at
 * d = 784), {@link Covariance#DIAGONAL} (d floats; for large images, where d² does not fit, at the cost of
 * ignoring pixel correlations).
 */
public final class GaussianInit implements ChainInitializer {
    private static final long serialVersionUID = 1L;

    /** Covariance model. */
    public enum Covariance { FULL, DIAGONAL }

    private final int dim;
    private final float[] mean;
    private final float[] chol;   // row-major lower triangular L (FULL) or std devs (DIAGONAL)
    private final Covariance covariance;
    private final double lo;
    private final double hi;

    private GaussianInit(int dim, float[] mean, float[] chol, Covariance cov, double lo, double hi) {
        this.dim = dim;
        this.mean = mean;
        this.chol = chol;
        this.covariance = cov;
        this.lo = lo;
        this.hi = hi;
    }

    /**
     * Fits N(μ, Σ) to {@code data} in double precision.
     *
     * @param ridge added to the diagonal of Σ (keeps the Cholesky factor defined for constant pixels)
     * @param lo    samples are clamped to [lo, hi]; ±∞ for none
     */
    public static GaussianInit fit(Shard data, Covariance cov, double ridge, double lo, double hi) {
        int n = data.rows();
        int d = data.dim();
        if (n < 2) {
            throw new IllegalArgumentException("fitting a Gaussian needs at least 2 rows, got " + n);
        }
        INDArray x = Nd4j.create(data.values(), new long[] {n, d}, 'c').castTo(DataType.DOUBLE);
        INDArray mu = x.mean(true, 0);
        x.subiRowVector(mu);
        float[] factor;
        if (cov == Covariance.FULL) {
            INDArray s = x.transpose().mmul(x).divi(n - 1);
            // gemm leaves Xᵀ X a few ulps from symmetric; libnd4j's cholesky validates symmetry exactly
            s = s.add(s.transpose()).muli(0.5);
            s.addi(Nd4j.eye(d).castTo(DataType.DOUBLE).muli(ridge));
            // LAPACK potrf through ND4J (libnd4j's own cholesky op rejected the 784x784 Fashion-MNIST covariance);
            // only the lower triangle of the result is read.
            INDArray a = s.dup('f');
            Nd4j.getBlasWrapper().lapack().potrf(a, true);
            factor = new float[d * d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j <= i; j++) {
                    factor[i * d + j] = (float) a.getDouble(i, j);
                }
            }
        } else {
            INDArray var = x.mul(x).sum(0).divi(n - 1).addi(ridge);
            factor = Transforms.sqrt(var, false).castTo(DataType.FLOAT).data().asFloat();
        }
        return new GaussianInit(d, mu.castTo(DataType.FLOAT).data().asFloat(), factor, cov, lo, hi);
    }

    public float[] mean() {
        return mean.clone();
    }

    public Covariance covariance() {
        return covariance;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public void draw(float[] out, int offset, Shard shard, SplittableRandom rng) {
        double[] z = new double[dim];
        for (int j = 0; j < dim; j++) {
            z[j] = rng.nextGaussian();
        }
        for (int i = 0; i < dim; i++) {
            double v = mean[i];
            if (covariance == Covariance.FULL) {
                int row = i * dim;
                for (int j = 0; j <= i; j++) {
                    v += chol[row + j] * z[j];
                }
            } else {
                v += chol[i] * z[i];
            }
            out[offset + i] = (float) Math.min(hi, Math.max(lo, v));
        }
    }
}
