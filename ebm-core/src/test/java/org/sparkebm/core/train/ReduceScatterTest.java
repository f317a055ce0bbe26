package org.sparkebm.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkebm.core.compress.BlockSign;
import org.sparkebm.core.compress.Compressor;
import org.sparkebm.core.compress.Identity;
import org.sparkebm.core.compress.TopK;

/**
 * The reduce-scatter gives the same floats as the whole-message fold for every compressor, slice count, partial
 * participation and the Jarzynski combinations; pieces are shuffled before being sorted back, as the engine's
 * shuffle would deliver them.
 */
class ReduceScatterTest {
    static final int D = 1003;

    static float[] random(SplittableRandom r, double scale) {
        float[] v = new float[D];
        for (int i = 0; i < D; i++) {
            v[i] = (float) (scale * r.nextGaussian() * Math.exp(r.nextGaussian()));
        }
        return v;
    }

    /** Device results for 7 devices (devices 2 and 5 sat out), Jarzynski parts when {@code jarzynski}. */
    static List<DeviceResult> results(Compressor c, boolean jarzynski, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<DeviceResult> out = new ArrayList<>();
        for (int p = 0; p < 7; p++) {
            if (p == 2 || p == 5) {
                out.add(new DeviceResult(null, null, null));
                continue;
            }
            // scales differ by orders of magnitude, so the order of the float additions matters
            byte[] delta = Compressor.compressNoLargerThanDense(c, random(r, Math.pow(10, p - 3)), null).encode();
            byte[] model = jarzynski ? c.compress(random(r, 1), null).encode() : null;
            DeviceMetrics m = new DeviceMetrics(p, p, -p, 0.5 * p, 1, delta.length + (model == null ? 0 : model.length),
                    p % 2, 0.01 * p);
            WeightStats w = jarzynski ? new WeightStats(40 * r.nextGaussian(), 80 * r.nextGaussian(), 10 + p, 20 + p,
                    r.nextGaussian()) : null;
            out.add(new DeviceResult(null, delta, m, model, w));
        }
        return out;
    }

    static DeltaAggregator fold(List<DeviceResult> rs) {
        DeltaAggregator a = new DeltaAggregator();
        for (DeviceResult r : rs) {
            a = a.add(r);
        }
        return a;
    }

    /** Scatter, shuffle, group by slice, sort by device, reduce, assemble: the engine's steps in one process. */
    static ReduceScatter.Reduced reduceScatter(List<DeviceResult> rs, int slices, int alignment, SliceSum.Mode mode,
                                               long shuffleSeed) {
        ReduceScatter.Layout layout = ReduceScatter.Layout.of(D, slices, alignment);
        List<List<ReduceScatter.Piece>> bySlice = new ArrayList<>();
        for (int s = 0; s < layout.slices(); s++) {
            bySlice.add(new ArrayList<>());
        }
        for (DeviceResult r : rs) {
            List<ReduceScatter.Piece> pieces = ReduceScatter.scatter(r, layout);
            for (int s = 0; s < pieces.size(); s++) {
                bySlice.get(s).add(pieces.get(s));
            }
        }
        List<ReduceScatter.Slice> reduced = new ArrayList<>();
        for (int s = 0; s < layout.slices(); s++) {
            List<ReduceScatter.Piece> in = bySlice.get(s);
            Collections.shuffle(in, new Random(shuffleSeed + s));
            in.sort(Comparator.comparingInt(ReduceScatter.Piece::device));
            reduced.add(ReduceScatter.reduce(s, in.iterator(), layout, mode));
        }
        Collections.shuffle(reduced, new Random(shuffleSeed));
        return ReduceScatter.assemble(reduced, layout, mode);
    }

    static List<Compressor> compressors() {
        return List.of(new Identity(), TopK.ofDensity(0.05), TopK.ofDensity(0.8), new BlockSign(24), new BlockSign(64));
    }

    @Test
    void sumsEqualTheWholeMessageFoldBitForBit() {
        for (Compressor c : compressors()) {
            List<DeviceResult> rs = results(c, false, 7);
            DeltaAggregator fold = fold(rs);
            for (int slices : new int[] {1, 2, 3, 7, 40, D}) {
                ReduceScatter.Reduced r = reduceScatter(rs, slices, c.sliceAlignment(), SliceSum.Mode.SUM, slices);
                String what = c.describe() + ", " + slices + " slices";
                assertArrayEquals(fold.sum(D), r.sum(D), 0f, what);
                assertArrayEquals(fold.mean(D), r.mean(D), 0f, what);
                assertEquals(fold.deviceIds(), r.deviceIds(), what);
                assertEquals(List.of(0, 1, 3, 4, 6), r.deviceIds());
                assertEquals(fold.metrics(), r.metrics(), what);
                assertEquals(fold.encodedBytes(), r.encodedBytes(), what);
            }
        }
    }

    @Test
    void jarzynskiGradientsEqualTheWholeMessageFoldBitForBit() {
        for (Compressor c : compressors()) {
            List<DeviceResult> rs = results(c, true, 11);
            DeltaAggregator fold = fold(rs);
            RoundAggregate.JarzynskiAggregate expect = fold.jarzynski(D, null);
            float[] dataPart = random(new SplittableRandom(3), 1);
            RoundAggregate.JarzynskiAggregate expectPrivate = fold.jarzynski(D, dataPart);
            for (int slices : new int[] {1, 4, 9}) {
                String what = c.describe() + ", " + slices + " slices";
                RoundAggregate.JarzynskiAggregate got = reduceScatter(rs, slices, c.sliceAlignment(),
                        SliceSum.Mode.JARZYNSKI, 5).jarzynski(D, null);
                assertArrayEquals(expect.gradient(), got.gradient(), 0f, what);
                assertEquals(expect.logSum(), got.logSum(), 0.0);
                assertEquals(expect.ess(), got.ess(), 0.0);
                assertEquals(expect.meanDataEnergy(), got.meanDataEnergy(), 0.0);
                ReduceScatter.Reduced split = reduceScatter(rs, slices, c.sliceAlignment(), SliceSum.Mode.JARZYNSKI_SPLIT, 9);
                assertArrayEquals(fold.sum(D), split.sum(D), 0f, what + ": the data parts' sum");
                assertArrayEquals(expectPrivate.gradient(), split.jarzynski(D, dataPart).gradient(), 0f, what);
            }
        }
    }

    @Test
    void theJarzynskiFoldIsTheWeightedSumOfTheParts() {
        List<DeviceResult> rs = results(new Identity(), true, 13);
        JarzynskiWeights w = JarzynskiWeights.of(rs.stream().filter(r -> r.weights() != null)
                .map(DeviceResult::weights).toList());
        double[] expect = new double[D];
        for (DeviceResult r : rs) {
            if (r.delta() == null) {
                continue;
            }
            float[] data = org.sparkebm.core.compress.Compressed.decode(r.delta()).toDense();
            float[] model = org.sparkebm.core.compress.Compressed.decode(r.modelDelta()).toDense();
            for (int i = 0; i < D; i++) {
                expect[i] += (double) r.weights().dataRows() / w.dataRows() * data[i]
                        - Math.exp(r.weights().logSum() - w.logSum()) * model[i];
            }
        }
        float[] got = fold(rs).jarzynski(D, null).gradient();
        for (int i = 0; i < D; i++) {
            assertEquals(expect[i], got[i], 1e-6 * Math.max(1, Math.abs(expect[i])));
        }
    }

    @Test
    void anEmptyRoundSumsToZeroAndRefusesToAverage() {
        List<DeviceResult> none = List.of(new DeviceResult(null, null, null), new DeviceResult(null, null, null));
        ReduceScatter.Reduced r = reduceScatter(none, 3, 1, SliceSum.Mode.SUM, 1);
        assertArrayEquals(new float[D], r.sum(D), 0f);
        assertTrue(r.deviceIds().isEmpty());
        assertThrows(IllegalStateException.class, () -> r.mean(D));
    }

    @Test
    void piecesOutOfPartitionOrderAreRefused() {
        List<DeviceResult> rs = results(new Identity(), false, 1);
        ReduceScatter.Layout layout = ReduceScatter.Layout.of(D, 1, 1);
        List<ReduceScatter.Piece> in = new ArrayList<>();
        for (DeviceResult r : rs) {
            in.addAll(ReduceScatter.scatter(r, layout));
        }
        Collections.reverse(in);
        assertThrows(IllegalStateException.class, () -> ReduceScatter.reduce(0, in.iterator(), layout, SliceSum.Mode.SUM));
    }

    @Test
    void layoutsCoverEveryCoordinateOnceAtTheAlignment() {
        for (int dim : new int[] {1, 7, 256, 1000, 1_048_576, 1_000_003}) {
            for (int slices : new int[] {1, 2, 3, 16, 1000, 5_000_000}) {
                for (int align : new int[] {1, 8, 256, 56}) {
                    ReduceScatter.Layout l = ReduceScatter.Layout.of(dim, slices, align);
                    assertTrue(l.slices() >= 1 && l.slices() <= slices, l.toString());
                    int next = 0;
                    for (int s = 0; s < l.slices(); s++) {
                        assertEquals(next, l.from(s));
                        assertEquals(0, l.from(s) % align, l.toString());
                        assertTrue(l.to(s) > l.from(s), l + " slice " + s + " is empty");
                        next = l.to(s);
                    }
                    assertEquals(dim, next, l.toString());
                }
            }
        }
        assertEquals(4, ReduceScatter.Layout.of(1_048_576, 4, 256).slices());
    }
}
