package org.sparkebm.core.model;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.util.FittedFiles;
import org.sparkebm.core.util.NdArrays;

/**
 * A full-covariance Gaussian N(μ, Σ) fitted to data, used as the base measure of an energy
 * (E(x) = f_θ(x) + ½(x − μ)ᵀΣ⁻¹(x − μ), {@code model.basePath}). With f's output layer at zero the initial model is
 * exactly this Gaussian, so Jarzynski walkers start from it (Carbone, Hua, Coste, Vanden-Eijnden, "Efficient Training
 * of Energy-Based Models Using Jarzynski Equality", 2023) while already looking like the data: the informative start
 * of M-EBM (Yang and Ji, "M-EBM: Towards Understanding the Manifolds of Energy-Based Models", 2023) turned into a
 * proper initial model.
 *
 * <p>Σ = sample covariance + ridge·I; the ridge bounds the stiffness of the base (largest eigenvalue of Σ⁻¹ is at most
 * 1/ridge), which bounds the stable ULA step size (h below about 2·ridge).
 *
 * <p>It is fitted once from the data set (a public prior derived from all the data: the config refuses it with
 * differential privacy) and stored as a file on any Hadoop path; every JVM reads a path once ({@link #read}).
 */
public final class FittedGaussian implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int MAGIC = 0x45424d47; // "EBMG"

    private final int dim;
    private final float[] mean;
    private final float[] chol;      // row-major lower-triangular L, Σ = L Lᵀ
    private final float[] precision; // row-major Σ⁻¹ (symmetric)
    private final double logDet;     // log det Σ
    private transient INDArray meanRow;
    private transient INDArray precisionMatrix;

    private FittedGaussian(int dim, float[] mean, float[] chol, float[] precision, double logDet) {
        this.dim = dim;
        this.mean = mean;
        this.chol = chol;
        this.precision = precision;
        this.logDet = logDet;
    }

    /** Fits N(μ, Σ + ridge·I) to the rows of {@code data} in double precision (LAPACK Cholesky and inverse through ND4J). */
    public static FittedGaussian fit(Shard data, double ridge) {
        int n = data.rows();
        int d = data.dim();
        if (n < 2) {
            throw new IllegalArgumentException("fitting a Gaussian needs at least 2 rows, got " + n);
        }
        if (!(ridge > 0)) {
            throw new IllegalArgumentException("ridge must be > 0, got " + ridge);
        }
        INDArray x = NdArrays.of(data.values(), n, d).castTo(DataType.DOUBLE);
        INDArray mu = x.mean(true, 0);
        x.subiRowVector(mu);
        INDArray s = x.transpose().mmul(x).divi(n - 1);
        s = s.add(s.transpose()).muli(0.5);
        s.addi(Nd4j.eye(d).castTo(DataType.DOUBLE).muli(ridge));
        INDArray a = s.dup('f');
        Nd4j.getBlasWrapper().lapack().potrf(a, true);
        float[] l = new float[d * d];
        double[] ld = new double[d * d];
        double logDet = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                ld[i * d + j] = a.getDouble(i, j);
                l[i * d + j] = (float) ld[i * d + j];
            }
            logDet += 2 * Math.log(ld[i * d + i]);
        }
        // Σ⁻¹ = L⁻ᵀ L⁻¹ from the Cholesky factor. (libnd4j's matrix_inverse refuses these matrices: its determinant
        // check underflows to 0 at d = 784; inverting the triangular factor by substitution is exact enough.)
        double[] m = new double[d * d]; // L⁻¹, lower triangular, row-major
        for (int j = 0; j < d; j++) {
            m[j * d + j] = 1 / ld[j * d + j];
            for (int i = j + 1; i < d; i++) {
                double acc = 0;
                for (int k = j; k < i; k++) {
                    acc += ld[i * d + k] * m[k * d + j];
                }
                m[i * d + j] = -acc / ld[i * d + i];
            }
        }
        INDArray linv = Nd4j.create(m, new long[] {d, d}, 'c');
        INDArray inv = linv.transpose().mmul(linv);
        inv = inv.add(inv.transpose()).muli(0.5);
        float[] p = inv.castTo(DataType.FLOAT).dup('c').data().asFloat();
        return new FittedGaussian(d, mu.castTo(DataType.FLOAT).data().asFloat(), l, p, logDet);
    }

    public int dim() {
        return dim;
    }

    /** log Z of the base alone: (d/2) log 2π + ½ log det Σ. */
    public double logPartition() {
        return 0.5 * dim * Math.log(2 * Math.PI) + 0.5 * logDet;
    }

    /** {μ as a row, Σ⁻¹} in {@code type}, built once (tasks of one executor share this object; both are read-only). */
    private synchronized INDArray[] arrays(DataType type) {
        if (meanRow == null || meanRow.dataType() != type) {
            precisionMatrix = NdArrays.of(precision, dim, dim).castTo(type);
            meanRow = NdArrays.of(mean, 1, dim).castTo(type);
        }
        return new INDArray[] {meanRow, precisionMatrix};
    }

    /**
     * ½(x − μ)ᵀΣ⁻¹(x − μ) per row; adds Σ⁻¹(x − μ) to {@code gradient} when it is not null.
     * {@code x} is read; {@code gradient} ({@code n × d}) is read and written.
     */
    public INDArray energy(INDArray x, INDArray gradient) {
        INDArray[] a = arrays(x.dataType());
        INDArray diff = x.subRowVector(a[0]);
        INDArray pd = diff.mmul(a[1]);
        INDArray e = diff.muli(pd).sum(1).muli(0.5);
        if (gradient != null) {
            gradient.addi(pd);
        }
        return e;
    }

    /** One exact draw μ + Lξ into {@code out[offset .. offset + d)}. */
    public void draw(float[] out, int offset, SplittableRandom rng) {
        double[] z = new double[dim];
        for (int j = 0; j < dim; j++) {
            z[j] = rng.nextGaussian();
        }
        for (int i = 0; i < dim; i++) {
            double v = mean[i];
            int row = i * dim;
            for (int j = 0; j <= i; j++) {
                v += chol[row + j] * z[j];
            }
            out[offset + i] = (float) v;
        }
    }

    /** The file format: magic, d, log det Σ, μ, L (row-major), Σ⁻¹ (row-major), all big-endian. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 * dim * dim + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(dim);
            out.writeDouble(logDet);
            FittedFiles.writeFloats(out, mean, chol, precision);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** Parses {@link #toBytes}; {@code source} names the file in errors. */
    public static FittedGaussian read(InputStream in, String source) throws IOException {
        DataInputStream data = new DataInputStream(new BufferedInputStream(in));
        if (data.readInt() != MAGIC) {
            throw new IOException(source + ": not a SparkEBM Gaussian base file (bad magic)");
        }
        int d = data.readInt();
        if (d < 1 || d > 65536) {
            throw new IOException(source + ": dimension " + d + " out of range");
        }
        double logDet = data.readDouble();
        float[] mu = new float[d];
        float[] l = new float[d * d];
        float[] p = new float[d * d];
        try {
            FittedFiles.readFloats(data, mu, l, p);
        } catch (EOFException e) {
            throw new IOException(source + ": truncated (expected " + (16 + 4L * (d + 2L * d * d)) + " bytes)", e);
        }
        return new FittedGaussian(d, mu, l, p, logDet);
    }

    /** The base at {@code location} (any Hadoop path), read once per JVM. */
    public static FittedGaussian read(String location) {
        return FittedFiles.read(location, "model.basePath", FittedGaussian.class, FittedGaussian::read);
    }
}
