package org.sparkebm.core.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Silu}'s operations on the JDK's Vector API (AVX2: 8 floats a lane group), step for step the same IEEE
 * operations as the scalar path, so the results are bit-identical to it. Loaded only when the JVM resolved
 * {@code jdk.incubator.vector} ({@link Silu#VECTOR}); the last n mod 8 floats go through the scalar code.
 */
final class VectorSilu {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private VectorSilu() {
    }

    static String describe() {
        return "vector (" + F.length() + " lanes)";
    }

    static void forward(ByteBuffer z, ByteBuffer s, ByteBuffer a, int n) {
        int step = F.length();
        int bound = F.loopBound(n);
        for (int k = 0; k < bound; k += step) {
            int b = k * Float.BYTES;
            FloatVector zv = FloatVector.fromByteBuffer(F, z, b, NATIVE);
            FloatVector sv = sigmoid(zv);
            sv.intoByteBuffer(s, b, NATIVE);
            zv.mul(sv).intoByteBuffer(a, b, NATIVE);
        }
        Silu.forwardScalar(z, s, a, bound, n);
    }

    static void backward(ByteBuffer dA, ByteBuffer s, ByteBuffer a, int n) {
        int step = F.length();
        int bound = F.loopBound(n);
        for (int k = 0; k < bound; k += step) {
            int b = k * Float.BYTES;
            FloatVector sv = FloatVector.fromByteBuffer(F, s, b, NATIVE);
            FloatVector av = FloatVector.fromByteBuffer(F, a, b, NATIVE);
            FloatVector dv = FloatVector.fromByteBuffer(F, dA, b, NATIVE);
            // d · (s + a · (1 − s)), as Silu.backwardScalar
            dv.mul(sv.add(av.mul(sv.neg().add(1f)))).intoByteBuffer(dA, b, NATIVE);
        }
        Silu.backwardScalar(dA, s, a, bound, n);
    }

    /** 1 / (1 + exp(−z)) lane by lane, as {@link Silu#sigmoid}. */
    private static FloatVector sigmoid(FloatVector z) {
        FloatVector e = exp(z.neg());
        return FloatVector.broadcast(F, 1f).div(e.add(1f));
    }

    /** As {@link Silu#exp}. */
    private static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(Silu.LO).min(Silu.HI);
        FloatVector t = c.mul(Silu.LOG2E).add(Silu.ROUND);
        FloatVector n = t.sub(Silu.ROUND);
        FloatVector r = c.sub(n.mul(Silu.LN2_HI)).sub(n.mul(Silu.LN2_LO));
        FloatVector p = r.fma(Silu.C6, Silu.C5);
        p = p.fma(r, FloatVector.broadcast(F, Silu.C4));
        p = p.fma(r, FloatVector.broadcast(F, Silu.C3));
        p = p.fma(r, FloatVector.broadcast(F, Silu.C2));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        // 2ⁿ as (n + 127) << 23: t lies in [2²³, 2²⁴), so its low 23 bits hold n + 2²² and shifting its bits left by
        // 23 leaves exactly n << 23 (the rest shifts out). The same as ((int) n + 127) << 23 in the scalar path;
        // convert(F2I) would say it directly but JDK 17 does not intrinsify it on AVX2 (a version using it ran
        // several times slower).
        IntVector bits = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(127 << 23);
        return p.mul(bits.reinterpretAsFloats());
    }
}
