package org.sparkebm.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Silu}: the vector and scalar paths give the same bits (so a run's θ does not depend on the JVM's flags or
 * on when C2 compiled the loop), the sigmoid is accurate against double precision, and edge values behave.
 */
class SiluTest {
    private static final float[] EDGES = {0f, -0f, 1e-40f, -1e-40f, 1e-30f, 86.9f, 87f, 87.1f, 88f, 88.1f, -86.9f, -87f,
        -87.1f, -88f, -88.1f, 100f, -100f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.NaN, 0.34657359f, -0.34657359f, 0.5f, -0.5f, 16.6f, 17f, -17f};

    /** n floats: the edge values, then N(0, 4²) and wide uniform draws; n is not a multiple of 8 (a tail). */
    private static ByteBuffer inputs(int n, long seed) {
        ByteBuffer b = buffer(n);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int k = 0; k < n; k++) {
            float v = k < EDGES.length ? EDGES[k] : k % 2 == 0 ? (float) (4 * rng.nextGaussian()) : (float) rng.nextDouble(-120, 120);
            b.putFloat(k * 4, v);
        }
        return b;
    }

    private static ByteBuffer buffer(int n) {
        return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
    }

    private static void assertSameBits(ByteBuffer x, ByteBuffer y, int n, String what) {
        for (int k = 0; k < n; k++) {
            int bx = Float.floatToRawIntBits(x.getFloat(k * 4));
            int by = Float.floatToRawIntBits(y.getFloat(k * 4));
            if (bx != by && !(Float.isNaN(x.getFloat(k * 4)) && Float.isNaN(y.getFloat(k * 4)))) {
                throw new AssertionError(what + " differs at " + k + ": " + x.getFloat(k * 4) + " vs " + y.getFloat(k * 4));
            }
        }
    }

    @Test
    void theBuildRunsTheVectorPath() {
        assertTrue(Silu.VECTOR, "surefire's argLine must carry --add-modules=jdk.incubator.vector (spark.jvm.flags)");
        assertTrue(Silu.path().startsWith("vector"), Silu.path());
    }

    @Test
    void vectorAndScalarPathsGiveTheSameBits() {
        int n = 100_003;
        ByteBuffer z = inputs(n, 1);
        ByteBuffer s1 = buffer(n), a1 = buffer(n), s2 = buffer(n), a2 = buffer(n);
        Silu.forwardScalar(z, s2, a2, 0, n);
        for (int rep = 0; rep < 30; rep++) { // the first calls run interpreted, the later ones as C2's vector code
            VectorSilu.forward(z, s1, a1, n);
            assertSameBits(s1, s2, n, "sigmoid");
            assertSameBits(a1, a2, n, "SiLU");
        }
        // the backward, on gradients of every size
        ByteBuffer d1 = inputs(n, 2), d2 = buffer(n);
        d2.put(0, d1, 0, n * 4);
        VectorSilu.backward(d1, s1, a1, n);
        Silu.backwardScalar(d2, s2, a2, 0, n);
        assertSameBits(d1, d2, n, "backward");
    }

    @Test
    void sigmoidIsAccurateAndEdgeValuesBehave() {
        double worst = 0;
        for (int k = 0; k < 200_000; k++) {
            float z = (float) (-100 + 200.0 * k / 200_000);
            double want = 1 / (1 + Math.exp(-(double) z));
            worst = Math.max(worst, Math.abs(Silu.sigmoid(z) - want));
        }
        assertTrue(worst < 2e-7, "max |sigmoid - exact| = " + worst);
        // e^x relative error over the whole unclamped range
        for (int k = 0; k <= 100_000; k++) {
            float x = (float) (-87 + 175.0 * k / 100_000);
            double want = Math.exp(x);
            assertEquals(want, Silu.exp(x), 3e-7 * want, "exp(" + x + ")");
        }
        assertEquals(0.5f, Silu.sigmoid(0f));
        assertEquals(1f, Silu.sigmoid(Float.POSITIVE_INFINITY));
        assertEquals(0f, Silu.sigmoid(Float.NEGATIVE_INFINITY), 1e-38);
        assertEquals(1f, Silu.sigmoid(Float.MAX_VALUE));
        assertTrue(Float.isNaN(Silu.sigmoid(Float.NaN)));
    }

    @Test
    void convEnergyUsesTheFusedPassOnPlainArraysAndNd4jOnViews() {
        Nd4j.getRandom().setSeed(4);
        INDArray z = Nd4j.rand(DataType.FLOAT, 6, 4, 5, 5).subi(0.5).muli(40);
        INDArray s = Nd4j.createUninitialized(DataType.FLOAT, z.shape());
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, z.shape());
        ConvEnergy.siluForward(z, s, a);
        INDArray zd = z.castTo(DataType.DOUBLE);
        INDArray sd = org.nd4j.linalg.ops.transforms.Transforms.sigmoid(zd, true);
        assertEquals(0, s.castTo(DataType.DOUBLE).sub(sd).amaxNumber().doubleValue(), 2e-7);
        assertEquals(0, a.castTo(DataType.DOUBLE).sub(zd.mul(sd)).amaxNumber().doubleValue(), 4e-6); // |z| up to 20
        // a view takes libnd4j's sigmoid and agrees to fp32 accuracy
        INDArray big = Nd4j.rand(DataType.FLOAT, 12, 4, 5, 5);
        INDArray zv = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6)).assign(z);
        INDArray s2 = Nd4j.createUninitialized(DataType.FLOAT, z.shape());
        INDArray a2 = Nd4j.createUninitialized(DataType.FLOAT, z.shape());
        ConvEnergy.siluForward(zv, s2, a2);
        assertEquals(0, s2.sub(s).amaxNumber().doubleValue(), 1e-6);
        assertEquals(0, a2.sub(a).amaxNumber().doubleValue(), 2e-5);
    }
}
