package org.sparkebm.core.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.logging.Logger;

/**
 * SiLU forward and backward over whole fp32 buffers, for {@link ConvEnergy}'s activations.
 *
 * <p>The sigmoid is computed from an fp32 exp written here (no library gives one that is both fast and
 * deterministic: libnd4j's {@code Sigmoid} is a scalar loop costing ≈ 8 ms of a ≈ 54 ms W2 step, and the Vector
 * API's {@code EXP} runs Intel's SVML when C2 has compiled the loop but {@code Math.exp} before, so its results
 * would depend on JIT timing). Every step below is one IEEE-754 operation (add, multiply, fused multiply-add,
 * divide, min/max, float↔int conversion, shift) that the vectorised path ({@code VectorSilu}, used when the JVM
 * was started with {@code --add-modules jdk.incubator.vector}, as the project's scripts and tests do) and the
 * scalar path here perform identically, so both give the same bits (tested) and a run's θ does not depend on
 * which one ran.
 *
 * <p>exp(x) for x clamped to [−87, 88]: n = round(x·log₂e) (by adding and subtracting 1.5·2²³),
 * r = x − n·ln2 with ln 2 split in two parts (Cody–Waite, exact to fp32), e^r by its degree-6 Taylor polynomial in
 * Horner form with fused multiply-adds (truncation below 1.3e-7 relative for |r| ≤ ln2/2), times 2ⁿ from the
 * exponent bits (n ∈ [−126, 127], always a normal number). sigmoid(z) = 1 / (1 + exp(−z)); outside the clamp range
 * it is within 1e-38 of the exact value. NaN stays NaN.
 */
final class Silu {
    static final float LOG2E = 1.44269504f;
    static final float LN2_HI = 0.693359375f; // 8 significant bits: n·LN2_HI is exact for |n| ≤ 2^16
    static final float LN2_LO = -2.12194440e-4f;
    static final float ROUND = 12582912f;     // 1.5·2²³: adding and subtracting it rounds to the nearest integer
    static final float LO = -87f;
    static final float HI = 88f;
    static final float C2 = 0.5f;
    static final float C3 = 1f / 6;
    static final float C4 = 1f / 24;
    static final float C5 = 1f / 120;
    static final float C6 = 1f / 720;

    private static final Logger LOG = Logger.getLogger(Silu.class.getName());

    /** Whether this JVM resolved the Vector API module (it must be named at start-up with --add-modules). */
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("sparkebm.scalarSilu");

    static {
        if (!VECTOR) {
            LOG.info("SiLU on the scalar path: start the JVM with --add-modules jdk.incubator.vector for the vectorised one"
                    + " (same results, several times faster)");
        }
    }

    private Silu() {
    }

    /** Which path {@link #forward} and {@link #backward} take in this JVM: "vector (8 lanes)" or "scalar". */
    static String path() {
        return VECTOR ? VectorSilu.describe() : "scalar";
    }

    /**
     * s = sigmoid(z), a = z·s over the first n floats of each buffer (native byte order, absolute indexing).
     *
     * @param z read
     * @param s written (may not alias z)
     * @param a written; may alias z (each element is written after it is read)
     */
    static void forward(ByteBuffer z, ByteBuffer s, ByteBuffer a, int n) {
        if (VECTOR) {
            VectorSilu.forward(z, s, a, n);
        } else {
            forwardScalar(z, s, a, 0, n);
        }
    }

    /**
     * dA ← dA ∘ (s + a(1 − s)), the SiLU derivative given s = sigmoid(z) and a = z·s, over the first n floats.
     *
     * @param dA read and written
     * @param s  read
     * @param a  read
     */
    static void backward(ByteBuffer dA, ByteBuffer s, ByteBuffer a, int n) {
        if (VECTOR) {
            VectorSilu.backward(dA, s, a, n);
        } else {
            backwardScalar(dA, s, a, 0, n);
        }
    }

    /** The scalar forward over floats [from, to) (also the vector path's tail). */
    static void forwardScalar(ByteBuffer z, ByteBuffer s, ByteBuffer a, int from, int to) {
        ByteOrder o = ByteOrder.nativeOrder();
        var zf = z.duplicate().order(o).asFloatBuffer();
        var sf = s.duplicate().order(o).asFloatBuffer();
        var af = a.duplicate().order(o).asFloatBuffer();
        for (int k = from; k < to; k++) {
            float zk = zf.get(k);
            float sk = sigmoid(zk);
            sf.put(k, sk);
            af.put(k, zk * sk);
        }
    }

    /** The scalar backward over floats [from, to). */
    static void backwardScalar(ByteBuffer dA, ByteBuffer s, ByteBuffer a, int from, int to) {
        ByteOrder o = ByteOrder.nativeOrder();
        var df = dA.duplicate().order(o).asFloatBuffer();
        var sf = s.duplicate().order(o).asFloatBuffer();
        var af = a.duplicate().order(o).asFloatBuffer();
        for (int k = from; k < to; k++) {
            float sk = sf.get(k);
            df.put(k, df.get(k) * (sk + af.get(k) * (1f - sk)));
        }
    }

    /** 1 / (1 + exp(−z)), the same operations as the vector path's, lane by lane. */
    static float sigmoid(float z) {
        return 1f / (1f + exp(-z));
    }

    /** e^x in fp32 with x clamped to [−87, 88] (see the class comment). */
    static float exp(float x) {
        float c = Math.min(Math.max(x, LO), HI);
        float n = (c * LOG2E + ROUND) - ROUND;
        float r = (c - n * LN2_HI) - n * LN2_LO;
        float p = Math.fma(r, C6, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }
}
