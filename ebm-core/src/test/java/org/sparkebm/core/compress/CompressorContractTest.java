package org.sparkebm.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The contract every compressor satisfies, re-run for each implementation. */
class CompressorContractTest {

    static Stream<Compressor> compressors() {
        return Stream.of(new Identity(), TopK.ofDensity(0.01), TopK.ofDensity(0.3), TopK.ofCount(7),
                new BlockSign(256), new BlockSign(7), new BlockSign(1));
    }

    static float[] random(int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (float) (r.nextGaussian() * Math.exp(r.nextGaussian()));
        }
        return v;
    }

    @ParameterizedTest
    @MethodSource("compressors")
    void encodeDecodeRoundTripsExactly(Compressor c) {
        for (int d : new int[] {1, 9, 1000, 101_889}) {
            Compressed out = c.compress(random(d, d), null);
            byte[] bytes = out.encode();
            assertEquals(out.encodedBytes(), bytes.length, "encodedBytes() must equal the encoding's length");
            if (c.encodedBytesFor(d) >= 0) {
                assertEquals(c.encodedBytesFor(d), bytes.length);
            }
            assertArrayEquals(out.toDense(), Compressed.decode(bytes).toDense(), 0f);
        }
    }

    @ParameterizedTest
    @MethodSource("compressors")
    void slicesDecodeToTheSameFloatsAndEncodeExactly(Compressor c) {
        int a = c.sliceAlignment();
        for (int d : new int[] {9, 1000, 4099}) {
            Compressed whole = c.compress(random(d, d + 1), null);
            float[] dense = whole.toDense();
            for (int from = 0; from < d; from += a * (1 + d / (5 * a))) {
                for (int to : new int[] {from, Math.min(d, from + a), Math.min(d, from + 3 * a + 1), d}) {
                    Compressed s = whole.slice(from, to);
                    assertEquals(to - from, s.dim());
                    byte[] bytes = s.encode();
                    assertEquals(s.encodedBytes(), bytes.length, "a slice's encodedBytes() is its encoding's length");
                    float[] expect = java.util.Arrays.copyOfRange(dense, from, to);
                    assertArrayEquals(expect, s.toDense(), 0f, c.describe() + " [" + from + ", " + to + ")");
                    assertArrayEquals(expect, Compressed.decode(bytes).toDense(), 0f);
                    // added onto a running sum, a slice adds the same float as the whole message
                    float[] accWhole = random(d, 5);
                    float[] accSlice = java.util.Arrays.copyOfRange(accWhole, from, to);
                    whole.addTo(accWhole, 1f);
                    s.addTo(accSlice, 1f);
                    assertArrayEquals(java.util.Arrays.copyOfRange(accWhole, from, to), accSlice, 0f);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> whole.slice(0, d + 1));
            assertThrows(IllegalArgumentException.class, () -> whole.slice(2, 1));
        }
    }

    @Test
    void blockSignSlicesOnlyAtWholeBlocksAndBytes() {
        assertEquals(256, new BlockSign(256).sliceAlignment());
        assertEquals(56, new BlockSign(7).sliceAlignment());
        assertEquals(8, new BlockSign(1).sliceAlignment());
        Compressed c = new BlockSign(7).compress(random(100, 3), null);
        assertThrows(IllegalArgumentException.class, () -> c.slice(7, 20), "7 is a block start but not a byte start");
        assertThrows(IllegalArgumentException.class, () -> c.slice(8, 20), "8 is a byte start but not a block start");
        assertEquals(44, c.slice(56, 100).dim());
    }

    @ParameterizedTest
    @MethodSource("compressors")
    void errorFeedbackAccountsForEverything(Compressor c) {
        int d = 3000;
        float[] residual = random(d, 99);
        float[] old = residual.clone();
        float[] x = random(d, 100);
        float[] decoded = c.compress(x, residual).toDense();
        for (int i = 0; i < d; i++) {
            float v = x[i] + old[i];
            // decoded + new residual == x + old residual, up to the one fp32 rounding of r = v − C(v)
            float tol = 2 * Math.ulp(Math.max(Math.abs(v), Math.abs(decoded[i])));
            assertEquals(v, decoded[i] + residual[i], tol, "coordinate " + i);
        }
        assertArrayEquals(random(d, 100), x, 0f, "x must not be written");
    }

    @ParameterizedTest
    @MethodSource("compressors")
    void zeroVectorStaysZero(Compressor c) {
        float[] z = new float[513];
        float[] dec = c.compress(z, null).toDense();
        assertArrayEquals(new float[513], dec, 0f);
    }

    @ParameterizedTest
    @MethodSource("compressors")
    void isDeterministic(Compressor c) {
        float[] x = random(777, 5);
        assertArrayEquals(c.compress(x, null).encode(), c.compress(x, null).encode());
    }

    @org.junit.jupiter.api.Test
    void topKKeepsTheKLargestMagnitudes() {
        float[] x = random(5000, 7);
        TopK c = TopK.ofCount(50);
        SparseVector s = (SparseVector) c.compress(x, null);
        assertEquals(50, s.size());
        float[] mags = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            mags[i] = Math.abs(x[i]);
        }
        java.util.Arrays.sort(mags);
        float fiftieth = mags[mags.length - 50];
        for (int j = 0; j < s.size(); j++) {
            assertEquals(x[s.index(j)], s.value(j), 0f);
            assertTrue(Math.abs(s.value(j)) >= fiftieth);
        }
    }

    @org.junit.jupiter.api.Test
    void topKBreaksTiesTowardLowerIndex() {
        float[] x = {1, -3, 3, 3, 0, -3};
        SparseVector s = (SparseVector) TopK.ofCount(2).compress(x, null);
        assertArrayEquals(new float[] {0, -3, 3, 0, 0, 0}, s.toDense(), 0f);
    }

    @org.junit.jupiter.api.Test
    void topKByteCountIsExact() {
        // indices 0, 10, 11 → gaps 0, 9, 0; the best Rice parameter for these gaps is b = 0 or b = 2
        SparseVector s = new SparseVector(100, new int[] {0, 10, 11}, new float[] {1, 2, 3});
        long bits = 0;
        for (long g : new long[] {0, 9, 0}) {
            bits += (g >>> s.riceParam()) + 1 + s.riceParam();
        }
        assertEquals(10 + 12 + (bits + 7) / 8, s.encodedBytes());
        assertEquals(10 + 12 + 2, s.encodedBytes(), "b=2 codes the gaps in 3+5+3 = 11 bits → 2 bytes");
    }

    @org.junit.jupiter.api.Test
    void blockSignKeepsEachBlocksL1Norm() {
        float[] x = random(1000, 8);
        int block = 64;
        float[] dec = new BlockSign(block).compress(x, null).toDense();
        for (int b = 0; b * block < x.length; b++) {
            double l1x = 0;
            double l1c = 0;
            for (int i = b * block; i < Math.min(x.length, (b + 1) * block); i++) {
                l1x += Math.abs(x[i]);
                l1c += Math.abs(dec[i]);
                assertEquals(Math.signum(x[i]), Math.signum(dec[i]), 0.0);
            }
            assertEquals(l1x, l1c, 1e-4 * l1x);
        }
    }

    @org.junit.jupiter.api.Test
    void w3ByteCountsAreWithinTenPercentOfTheFloors() {
        int d = 101_889;
        float[] x = random(d, 11);
        double dense = 4.0 * d;
        // floors of W3 (docs/workloads.md)
        double topk1Floor = Math.round(0.01 * d) * 40.1 / 8;
        double topk01Floor = Math.round(0.001 * d) * 43.4 / 8;
        double signFloor = (d + 32.0 * Math.ceil(d / 256.0)) / 8;
        int b1 = TopK.ofDensity(0.01).compress(x, null).encodedBytes();
        int b01 = TopK.ofDensity(0.001).compress(x, null).encodedBytes();
        int bs = new BlockSign(256).compress(x, null).encodedBytes();
        assertEquals(9 + 4 * 399 + (d + 7) / 8, bs); // ceil(101889 / 256) = 399 blocks
        assertTrue(b1 <= 1.10 * topk1Floor, "top-k 1%: " + b1 + " bytes vs floor " + topk1Floor);
        assertTrue(b01 <= 1.10 * topk01Floor, "top-k 0.1%: " + b01 + " bytes vs floor " + topk01Floor);
        assertTrue(bs <= 1.10 * signFloor, "block-sign: " + bs + " vs floor " + signFloor);
        assertTrue(dense / bs > 28.0);
    }

    @org.junit.jupiter.api.Test
    void malformedMessagesAreRejected() {
        byte[] good = TopK.ofCount(3).compress(random(50, 1), null).encode();
        assertThrows(IllegalArgumentException.class, () -> Compressed.decode(java.util.Arrays.copyOf(good, good.length - 1)));
        byte[] bad = good.clone();
        bad[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> Compressed.decode(bad));
        byte[] sign = new BlockSign(8).compress(random(50, 1), null).encode();
        assertThrows(IllegalArgumentException.class, () -> Compressed.decode(java.util.Arrays.copyOf(sign, sign.length + 1)));
    }

    @org.junit.jupiter.api.Test
    void badParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TopK.ofDensity(0));
        assertThrows(IllegalArgumentException.class, () -> TopK.ofDensity(1.5));
        assertThrows(IllegalArgumentException.class, () -> new BlockSign(0));
    }

    @Test
    void aMessageNeverEncodesLargerThanTheDenseVector() {
        // Top-k keeping 9 of 10 entries: 9 × (index + value) and a header outweigh 10 floats
        Compressor topk = TopK.ofCount(9);
        float[] x = {1, -2, 3, -4, 5, -6, 7, -8, 9, 0.5f};
        float[] r = {0.25f, 0, 0, 0, 0, 0, 0, 0, 0, -0.125f};
        float[] v = x.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += r[i];
        }
        assertTrue(topk.compress(x, r.clone()).encodedBytes() > DenseVector.encodedBytesFor(10));
        Compressed c = Compressor.compressNoLargerThanDense(topk, x, r);
        assertTrue(c instanceof DenseVector, "sent dense");
        assertEquals(DenseVector.encodedBytesFor(10), c.encode().length);
        assertArrayEquals(v, Compressed.decode(c.encode()).toDense(), 0f, "everything the device held is sent");
        assertArrayEquals(new float[10], r, 0f, "and nothing is left behind");
        // where the compressor is smaller it is used as it is
        float[] big = new float[1000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) Math.sin(i);
        }
        assertTrue(Compressor.compressNoLargerThanDense(TopK.ofDensity(0.01), big, new float[1000]) instanceof SparseVector);
    }
}
