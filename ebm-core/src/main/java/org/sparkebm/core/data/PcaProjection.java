package org.sparkebm.core.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.util.FittedFiles;
import org.sparkebm.core.util.NdArrays;

/**
 * The whitened principal coordinates of a data set ({@code data.projection}): z_j = u_jᵀ(x − μ) / s_j for the m
 * leading eigenvectors u_j of the sample covariance, s_j² their eigenvalues. An energy model trained on z works in
 * the m-dimensional subspace where the data vary, with unit variance in every direction; {@link #reconstruct} maps
 * a sample back to the data space (μ + Σ_j z_j s_j u_j), e.g. to draw it as an image or to read it with a
 * classifier.
 *
 * <p>Why: an energy on all 784 pixels of a few Fashion-MNIST classes must learn that hundreds of directions carry
 * almost no variance, and walkers drawn from any tractable initial model differ from the data there. That gap is
 * what the Jarzynski weights would have to absorb (docs/results/w4.md); in the principal subspace the initial
 * Gaussian and the data differ only in what the classes are made of.
 *
 * <p>Fitted once from the whole data set (a public prior, like the fitted Gaussian base (model.FittedGaussian): the
 * config refuses it with differential privacy) and stored as a file on any Hadoop path, read once per JVM.
 */
public final class PcaProjection implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int MAGIC = 0x45424d50; // "EBMP"

    private final int[] sourceShape;
    private final float[] mean;       // d
    private final float[] components; // m × d row-major, orthonormal rows, by decreasing variance
    private final float[] scales;     // m, s_j = √λ_j
    private final double explained;   // Σ_{j<m} λ_j / Σ_j λ_j

    private PcaProjection(int[] sourceShape, float[] mean, float[] components, float[] scales, double explained) {
        this.sourceShape = sourceShape;
        this.mean = mean;
        this.components = components;
        this.scales = scales;
        this.explained = explained;
    }

    /**
     * The m leading principal directions of {@code data} (read), from the eigendecomposition of its sample covariance
     * in double precision (LAPACK syev through ND4J).
     */
    public static PcaProjection fit(Shard data, int m) {
        int n = data.rows();
        int d = data.dim();
        if (m < 1 || m > d) {
            throw new IllegalArgumentException("components must be in [1, " + d + "], got " + m);
        }
        if (n < 2) {
            throw new IllegalArgumentException("a projection needs at least 2 rows, got " + n);
        }
        INDArray x = NdArrays.of(data.values(), n, d).castTo(DataType.DOUBLE);
        INDArray mu = x.mean(true, 0);
        x.subiRowVector(mu);
        INDArray cov = x.transpose().mmul(x).divi(n - 1);
        cov = cov.add(cov.transpose()).muli(0.5).dup('f');
        INDArray eig = Eigen.symmetricGeneralizedEigenvalues(cov, true); // ascending; cov now holds the eigenvectors as columns
        double total = 0;
        for (int j = 0; j < d; j++) {
            total += Math.max(0, eig.getDouble(j));
        }
        float[] comp = new float[m * d];
        float[] s = new float[m];
        double kept = 0;
        for (int k = 0; k < m; k++) {
            int col = d - 1 - k;
            double lambda = eig.getDouble(col);
            if (!(lambda > 1e-12 * Math.max(total, 1e-300))) {
                throw new IllegalArgumentException("component " + (k + 1) + " of " + m + " has variance " + lambda
                        + ": the data span fewer than " + m + " directions; choose fewer components");
            }
            kept += lambda;
            s[k] = (float) Math.sqrt(lambda);
            // a deterministic sign: the largest-magnitude coordinate of each direction is positive
            int arg = 0;
            for (int i = 1; i < d; i++) {
                if (Math.abs(cov.getDouble(i, col)) > Math.abs(cov.getDouble(arg, col))) {
                    arg = i;
                }
            }
            double sign = cov.getDouble(arg, col) < 0 ? -1 : 1;
            for (int i = 0; i < d; i++) {
                comp[k * d + i] = (float) (sign * cov.getDouble(i, col));
            }
        }
        return new PcaProjection(data.sampleShape().clone(), mu.castTo(DataType.FLOAT).data().asFloat(), comp, s,
                kept / total);
    }

    /** Dimension d of the data space. */
    public int sourceDim() {
        return mean.length;
    }

    /** Shape of one sample in the data space, e.g. {1, 28, 28}. */
    public int[] sourceShape() {
        return sourceShape.clone();
    }

    /** Number m of principal coordinates. */
    public int components() {
        return scales.length;
    }

    /** Fraction of the data's total variance the m directions hold. */
    public double explainedVariance() {
        return explained;
    }

    /** Standard deviation s_j of the data along direction j (a copy). */
    public float[] scales() {
        return scales.clone();
    }

    /** The whitened coordinates of every row of {@code data} (read); labels are kept. */
    public Shard project(Shard data, String source) {
        if (data.dim() != sourceDim()) {
            throw new DataException(source + ": rows have " + data.dim() + " values, the projection (data.projection) expects "
                    + sourceDim());
        }
        int n = data.rows();
        int d = sourceDim();
        int m = components();
        float[] x = data.values();
        float[] v = new float[n * m];
        double[] centred = new double[d];
        // row by row in a fixed order (not one matrix product, whose blocking depends on the row count): a row
        // projects to the same floats in the whole set and in a device's shard
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                centred[k] = x[i * d + k] - mean[k];
            }
            for (int j = 0; j < m; j++) {
                double acc = 0;
                int c = j * d;
                for (int k = 0; k < d; k++) {
                    acc += centred[k] * components[c + k];
                }
                v[i * m + j] = (float) (acc / scales[j]);
            }
        }
        return new Shard(v, n, new int[] {m}, data.labels() == null ? null : data.labels().clone());
    }

    /** {@code n} rows of whitened coordinates {@code z} (read) mapped back to the data space: a new array. */
    public float[] reconstruct(float[] z, int n) {
        if (z.length < (long) n * components()) {
            throw new IllegalArgumentException(z.length + " values for " + n + " rows of " + components());
        }
        INDArray zz = NdArrays.of(Arrays.copyOf(z, n * components()), n, components())
                .muliRowVector(NdArrays.of(scales, 1, components()));
        INDArray x = zz.mmul(NdArrays.of(components, components(), sourceDim())).addiRowVector(NdArrays.of(mean, 1, sourceDim()));
        return x.dup('c').data().asFloat();
    }

    /** The file format: magic, rank and shape of a source sample, m, explained variance, μ, s, components; big-endian. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4 * (components.length + mean.length + scales.length) + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(sourceShape.length);
            for (int s : sourceShape) {
                out.writeInt(s);
            }
            out.writeInt(components());
            out.writeDouble(explained);
            FittedFiles.writeFloats(out, mean, scales, components);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** Parses {@link #toBytes}; {@code source} names the file in errors. */
    public static PcaProjection read(InputStream in, String source) throws IOException {
        DataInputStream data = new DataInputStream(new BufferedInputStream(in));
        if (data.readInt() != MAGIC) {
            throw new IOException(source + ": not a SparkEBM projection file (bad magic)");
        }
        int rank = data.readInt();
        if (rank < 1 || rank > 4) {
            throw new IOException(source + ": sample rank " + rank + " out of range");
        }
        int[] shape = new int[rank];
        long d = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = data.readInt();
            if (shape[i] < 1) {
                throw new IOException(source + ": sample shape " + Arrays.toString(shape) + " has a non-positive size");
            }
            d *= shape[i];
        }
        int m = data.readInt();
        if (d > 1 << 20 || m < 1 || m > d) {
            throw new IOException(source + ": " + m + " components of dimension " + d + " out of range");
        }
        double explained = data.readDouble();
        float[] mu = new float[(int) d];
        float[] s = new float[m];
        float[] comp = new float[(int) (m * d)];
        try {
            FittedFiles.readFloats(data, mu, s, comp);
        } catch (EOFException e) {
            throw new IOException(source + ": truncated", e);
        }
        for (float v : s) {
            if (!(v > 0) || !Float.isFinite(v)) {
                throw new IOException(source + ": a component scale is " + v + " (must be positive and finite)");
            }
        }
        return new PcaProjection(shape, mu, comp, s, explained);
    }

    /** The projection at {@code location} (any Hadoop path), read once per JVM. */
    public static PcaProjection read(String location) {
        return FittedFiles.read(location, "data.projection", PcaProjection.class, PcaProjection::read);
    }
}
