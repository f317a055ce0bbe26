package org.sparkebm.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkebm.core.sampling.ReplayBuffer;
import org.sparkebm.core.util.LogSpace;

class GlobalResamplingTest {
    static final int D = 3;

    /** Device p with n walkers whose first coordinate encodes (p, i), and given reference and current log-weights. */
    static DeviceState device(int p, double[] ref, double[] logW) {
        int n = ref.length;
        float[] x = new float[n * D];
        float[] move = new float[n * D];
        double[] pending = new double[n];
        for (int i = 0; i < n; i++) {
            x[i * D] = p * 1000 + i;
            x[i * D + 1] = -(p * 1000 + i);
            move[i * D] = 0.5f * i;
            pending[i] = 0.25 * i + p;
        }
        return new DeviceState(null, ReplayBuffer.of(n, D, x), new float[] {p}, 7,
                new JarzynskiState(logW, pending, move, ref, true, null));
    }

    static DeviceState[] devices(SplittableRandom rng, int[] sizes, double[] deviceShift) {
        DeviceState[] s = new DeviceState[sizes.length];
        for (int p = 0; p < sizes.length; p++) {
            double[] ref = new double[sizes[p]];
            double[] cur = new double[sizes[p]];
            for (int i = 0; i < ref.length; i++) {
                ref[i] = deviceShift[p] + 2 * rng.nextGaussian();
                cur[i] = ref[i] + 0.1 * rng.nextGaussian();
            }
            s[p] = device(p, ref, cur);
        }
        return s;
    }

    @Test
    void noWalkerIsLostOrInventedAndWeightsAreReset() {
        int[] sizes = {40, 25, 60, 30};
        // device 1 carries almost all the weight: most offspring must move there... from there
        DeviceState[] before = devices(new SplittableRandom(3), sizes, new double[] {-30, 8, 0, -5});
        GlobalResampling.Plan plan = GlobalResampling.plan(
                java.util.Arrays.stream(before).map(GlobalResampling::deviceTotal).toList(), 11, 4);
        int moved = 0;
        for (int[] t : plan.transfers()) {
            moved += t[2];
        }
        assertTrue(moved > 20, "device 1 holds nearly all the weight, so walkers must leave it: " + moved);
        assertEquals(155, java.util.Arrays.stream(plan.offspring()).sum());
        DeviceState[] after = GlobalResampling.resampleAll(before, 11, 4);
        double level = plan.level();
        Map<String, Integer> copies = new HashMap<>();
        int total = 0;
        for (int p = 0; p < after.length; p++) {
            JarzynskiState js = after[p].jarzynski();
            assertEquals(sizes[p], after[p].buffer().size(), "device " + p + " keeps its walker count");
            assertEquals(p, after[p].residual()[0], 0f, "error-feedback residuals stay with their device");
            assertEquals(7, after[p].rounds());
            for (int i = 0; i < sizes[p]; i++) {
                float code = after[p].buffer().samples()[i * D];
                int src = Math.round(code) / 1000;
                int idx = Math.round(code) % 1000;
                // the whole walker travelled together: position, last move, pending α, weight increment
                assertEquals(-code, after[p].buffer().samples()[i * D + 1], 0f);
                assertEquals(0.5f * idx, js.lastMove()[i * D], 0f);
                assertEquals(0.25 * idx + src, js.pending()[i], 0.0);
                JarzynskiState old = before[src].jarzynski();
                assertEquals(level + old.logW()[idx] - old.gradientLogW()[idx], js.logW()[i], 1e-12);
                assertEquals(level, js.gradientLogW()[i], 0.0);
                copies.merge(src + ":" + idx, 1, Integer::sum);
                total++;
            }
        }
        assertEquals(155, total);
        // the offspring of a device are exactly its m_p ancestors: count them per source
        int[] perSource = new int[sizes.length];
        copies.forEach((k, v) -> perSource[Integer.parseInt(k.substring(0, k.indexOf(':')))] += v);
        org.junit.jupiter.api.Assertions.assertArrayEquals(plan.offspring(), perSource);
        // with equal increments, Σ exp(A) after = N exp(level) = Σ exp(A_ref) before
        double lseBefore = LogSpace.logSumExp(java.util.Arrays.stream(before)
                .flatMapToDouble(s -> java.util.Arrays.stream(s.jarzynski().gradientLogW())).toArray());
        assertEquals(lseBefore, level + Math.log(155), 1e-9);
    }

    @Test
    void expectedOffspringIsProportionalToTheGlobalWeight() {
        int[] sizes = {5, 3, 4};
        DeviceState[] before = devices(new SplittableRandom(9), sizes, new double[] {0, 1.5, -1});
        List<Double> w = new ArrayList<>();
        for (DeviceState s : before) {
            for (double a : s.jarzynski().gradientLogW()) {
                w.add(a);
            }
        }
        double lse = LogSpace.logSumExp(w.stream().mapToDouble(Double::doubleValue).toArray());
        int reps = 20_000;
        double[] count = new double[12];
        for (int r = 0; r < reps; r++) {
            for (DeviceState s : GlobalResampling.resampleAll(before, 1, r)) {
                for (int i = 0; i < s.buffer().size(); i++) {
                    int code = Math.round(s.buffer().samples()[i * D]);
                    int src = code / 1000;
                    int offset = src == 0 ? 0 : src == 1 ? 5 : 8;
                    count[offset + code % 1000]++;
                }
            }
        }
        for (int k = 0; k < 12; k++) {
            double expected = 12 * Math.exp(w.get(k) - lse);
            // systematic resampling: each count is within one of its expectation, so the mean error is ~1/sqrt(reps)
            assertEquals(expected, count[k] / reps, 0.03 + 0.03 * expected, "walker " + k);
        }
    }

    @Test
    void equalWeightsMoveNobody() {
        int[] sizes = {10, 10, 10};
        DeviceState[] before = new DeviceState[3];
        for (int p = 0; p < 3; p++) {
            before[p] = device(p, new double[10], new double[10]);
        }
        GlobalResampling.Plan plan = GlobalResampling.plan(
                java.util.Arrays.stream(before).map(GlobalResampling::deviceTotal).toList(), 2, 0);
        assertEquals(0, plan.transfers().length);
        org.junit.jupiter.api.Assertions.assertArrayEquals(sizes, plan.offspring());
    }
}
