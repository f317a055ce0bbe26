package org.sparkebm.core.compress;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A compression operator C: R^d → R^d with a compact encoding (Definitions 1 and 2 of the anonymous draft
 * "Memory Efficient EBM Training", 2021).
 *
 * <p>Call order: build once from its spec (stateless, thread-safe), then {@link #compress(float[], float[])} per
 * vector. Error feedback is explicit: the caller owns the residual r and passes it in; the compressor then
 * compresses {@code v = x + r} and writes {@code r ← v − C(v)}, so that {@code decode + new r = x + old r} holds
 * exactly in fp32 arithmetic of {@code v}.
 */
public interface Compressor extends Serializable {

    /**
     * Compresses {@code x} (+ {@code residual}).
     *
     * @param x        read, never written
     * @param residual read and written (error feedback), or {@code null} for none; same length as {@code x}
     * @return C(x + residual); holds no reference to either argument
     */
    Compressed compress(float[] x, float[] residual);

    /**
     * Replaces {@code v[offset, offset+len)} by C of that slice (used per sample on Langevin gradients, EFF-EBM).
     * {@code v} is read and written.
     */
    default void projectInPlace(float[] v, int offset, int len) {
        float[] slice = Arrays.copyOfRange(v, offset, offset + len);
        float[] c = compress(slice, null).toDense();
        System.arraycopy(c, 0, v, offset, len);
    }

    /** Exact encoded size for a vector of length {@code dim} where it does not depend on the values, else -1. */
    long encodedBytesFor(int dim);

    /**
     * An upper bound on the encoded size for a vector of length {@code dim}: {@link #encodedBytesFor} where that is
     * exact, else the dense size unless overridden.
     */
    default long encodedBytesBound(int dim) {
        long exact = encodedBytesFor(dim);
        return exact >= 0 ? exact : DenseVector.encodedBytesFor(dim);
    }

    /**
     * The multiple at which {@link Compressed#slice} may cut this compressor's output (a reduce-scatter cuts every
     * device's message at the same coordinates): 1 unless overridden.
     */
    default int sliceAlignment() {
        return 1;
    }

    /** Short name for logs and file names, e.g. {@code topk(0.01)}. */
    String describe();

    /**
     * {@code c.compress(x, residual)}, or the dense vector when that would take fewer bytes (a Top-k over a tiny
     * model can encode larger than the dense vector): then the vector sent is C(v) + r, everything the device holds,
     * and the residual is left at zero. {@code x} is read, {@code residual} read and written.
     */
    static Compressed compressNoLargerThanDense(Compressor c, float[] x, float[] residual) {
        Compressed out = c.compress(x, residual);
        if (out.encodedBytes() <= DenseVector.encodedBytesFor(x.length)) {
            return out;
        }
        float[] v = out.toDense();
        if (residual != null) {
            for (int i = 0; i < v.length; i++) {
                v[i] += residual[i];
            }
            Arrays.fill(residual, 0f);
        }
        return new DenseVector(v);
    }

    /** Adds the residual into v (v += residual), or copies x when there is no residual. Shared by implementations. */
    static float[] withResidual(float[] x, float[] residual) {
        float[] v = x.clone();
        if (residual != null) {
            if (residual.length != x.length) {
                throw new IllegalArgumentException("residual length " + residual.length + " != " + x.length);
            }
            for (int i = 0; i < v.length; i++) {
                v[i] += residual[i];
            }
        }
        return v;
    }

    /** r ← v − C(v). {@code v} read, {@code residual} written (may be null: no-op). */
    static void updateResidual(float[] v, Compressed c, float[] residual) {
        if (residual == null) {
            return;
        }
        System.arraycopy(v, 0, residual, 0, v.length);
        c.addTo(residual, -1f);
    }
}
