package org.sparkebm.core.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkebm.core.sampling.ReplayBuffer;
import org.sparkebm.core.util.LogSpace;
import org.sparkebm.core.util.Seeds;

/**
 * Global resampling of Jarzynski walkers across devices ({@code jarzynski.resampling = global}).
 *
 * <p>Island resampling (inside {@link JarzynskiStep}) keeps each device's total weight, so a device whose walkers
 * all went to low-probability regions keeps spending its compute on them. Global resampling draws the N offspring
 * from all walkers together, with probability ∝ exp(A_i) over every device, in two levels that need only P
 * numbers at the driver: (1) the driver draws how many offspring m_p each device produces by systematic
 * resampling over the device totals L_p = log Σ_{i∈p} exp(A_i); (2) device p draws its m_p ancestors from its own
 * walkers by systematic resampling on its local weights. A walker is then an ancestor with expected count
 * N·w_i / Σ_j w_j, as in one flat resampling. Every device keeps its walker count n_p: a device with m_p > n_p
 * sends its surplus offspring to devices with m_q < n_q (greedily, in partition order), which Spark does with a
 * shuffle keyed by the destination partition. Walkers are model samples, never data, so nothing private moves.
 *
 * <p>After resampling every walker's log-weight is the global level log(Σ w / N), plus what its ancestor gained
 * since the weights the decision was based on (as in island resampling), so Σ exp(A) and hence the running log Z
 * estimate are preserved in expectation.
 *
 * <p>Resampling happens before the round's device step, on the states of the previous round; the step then
 * completes the pending weight updates as usual (the increments are additive per walker, so the order does not
 * matter).
 */
public final class GlobalResampling {
    private GlobalResampling() {}

    /**
     * A block of walkers moving from {@code source} to another device, in the order they are appended there.
     *
     * @param x          positions, row-major ({@code count × d})
     * @param lastMove   X' − X of their last move, row-major
     * @param pending    α of their last move, awaiting the next θ
     * @param increment  A_i − A_i(at the last gradient) of their ancestors
     */
    public record Walkers(int source, int count, float[] x, float[] lastMove, double[] pending, double[] increment)
            implements Serializable {}

    /**
     * The driver's decision, the same on every device.
     *
     * @param level     log(Σ_i w_i / N) over all devices (the weights the decision was based on)
     * @param offspring m_p per device
     * @param walkers   n_p per device
     * @param transfers {source, destination, count} triples, sources ascending, each pair at most once
     * @param round     the round whose seeds the devices' draws use
     */
    public record Plan(double level, int[] offspring, int[] walkers, int[][] transfers, int round)
            implements Serializable {

        /** The transfers leaving {@code p}, in order. */
        List<int[]> from(int p) {
            return Arrays.stream(transfers).filter(t -> t[0] == p).toList();
        }

        /** The transfers arriving at {@code p}, in source order. */
        List<int[]> to(int p) {
            return Arrays.stream(transfers).filter(t -> t[1] == p).sorted(Comparator.comparingInt(t -> t[0])).toList();
        }
    }

    /** {log Σ_i exp(A_i) at the last gradient, n} of one device: what the driver needs from it. */
    public static double[] deviceTotal(DeviceState s) {
        double[] ref = s.jarzynski().gradientLogW();
        return new double[] {LogSpace.logSumExp(ref), ref.length};
    }

    /**
     * The driver's plan from the devices' {@link #deviceTotal}s, in partition order. Offspring counts come from
     * systematic resampling over the device totals, with the seed (runSeed, RESAMPLE, round, −1).
     */
    public static Plan plan(List<double[]> totals, long runSeed, int round) {
        int p = totals.size();
        double[] logSums = new double[p];
        int[] walkers = new int[p];
        int n = 0;
        for (int i = 0; i < p; i++) {
            logSums[i] = totals.get(i)[0];
            walkers[i] = (int) totals.get(i)[1];
            n += walkers[i];
        }
        int[] offspring = new int[p];
        for (int a : LogSpace.systematic(logSums, n, Seeds.random(runSeed, Seeds.Purpose.RESAMPLE, round, -1, 0))) {
            offspring[a]++;
        }
        List<int[]> transfers = new ArrayList<>();
        int j = 0;
        int need = 0;
        for (int src = 0; src < p; src++) {
            int surplus = offspring[src] - walkers[src];
            while (surplus > 0) {
                while (need == 0) {
                    need = Math.max(0, walkers[j] - offspring[j]);
                    if (need == 0) {
                        j++;
                    }
                }
                int c = Math.min(surplus, need);
                transfers.add(new int[] {src, j, c});
                surplus -= c;
                need -= c;
                if (need == 0) {
                    j++;
                }
            }
        }
        return new Plan(LogSpace.logSumExp(logSums) - Math.log(n), offspring, walkers,
                transfers.toArray(new int[0][]), round);
    }

    /** Device p's ancestors (indices into its own walkers), drawn on its local weights; m_p of them. */
    static int[] ancestors(DeviceState s, Plan plan, int p, long runSeed) {
        int m = plan.offspring()[p];
        if (m == 0) {
            return new int[0];
        }
        return LogSpace.systematic(s.jarzynski().gradientLogW(), m,
                Seeds.random(runSeed, Seeds.Purpose.RESAMPLE, plan.round(), p, 1));
    }

    /** The blocks device {@code p} sends, keyed by destination (its surplus offspring; none if m_p ≤ n_p). */
    public static Map<Integer, Walkers> emigrants(DeviceState s, Plan plan, int p, long runSeed) {
        int[] anc = ancestors(s, plan, p, runSeed);
        Map<Integer, Walkers> out = new LinkedHashMap<>();
        int next = plan.walkers()[p];
        for (int[] t : plan.from(p)) {
            out.put(t[1], block(s, p, Arrays.copyOfRange(anc, next, next + t[2])));
            next += t[2];
        }
        if (next != Math.max(anc.length, plan.walkers()[p])) {
            throw new IllegalStateException("plan sends " + (next - plan.walkers()[p]) + " walkers from device " + p
                    + ", which has " + (anc.length - plan.walkers()[p]) + " to spare");
        }
        return out;
    }

    /**
     * Device {@code p}'s state after resampling: its own first min(m_p, n_p) offspring, then the blocks it
     * receives in source order. {@code s} and {@code incoming} are read, never written.
     */
    public static DeviceState receive(DeviceState s, Plan plan, int p, List<Walkers> incoming, long runSeed) {
        int n = plan.walkers()[p];
        int[] anc = ancestors(s, plan, p, runSeed);
        int keep = Math.min(anc.length, n);
        List<Walkers> parts = new ArrayList<>();
        parts.add(block(s, p, Arrays.copyOf(anc, keep)));
        List<Walkers> sorted = new ArrayList<>(incoming);
        sorted.sort(Comparator.comparingInt(Walkers::source));
        List<int[]> expected = plan.to(p);
        if (sorted.size() != expected.size()) {
            throw new IllegalStateException("device " + p + " received " + sorted.size() + " blocks, plan says "
                    + expected.size());
        }
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).source() != expected.get(i)[0] || sorted.get(i).count() != expected.get(i)[2]) {
                throw new IllegalStateException("device " + p + " received " + sorted.get(i).count() + " walkers from "
                        + sorted.get(i).source() + ", plan says " + expected.get(i)[2] + " from " + expected.get(i)[0]);
            }
            parts.add(sorted.get(i));
        }
        int d = s.buffer().dim();
        float[] x = new float[n * d];
        float[] move = new float[n * d];
        double[] pending = new double[n];
        double[] logW = new double[n];
        double[] ref = new double[n];
        int at = 0;
        for (Walkers w : parts) {
            System.arraycopy(w.x(), 0, x, at * d, w.count() * d);
            System.arraycopy(w.lastMove(), 0, move, at * d, w.count() * d);
            System.arraycopy(w.pending(), 0, pending, at, w.count());
            for (int i = 0; i < w.count(); i++) {
                logW[at + i] = plan.level() + w.increment()[i];
                ref[at + i] = plan.level();
            }
            at += w.count();
        }
        if (at != n) {
            throw new IllegalStateException("device " + p + " ends resampling with " + at + " walkers, not " + n);
        }
        JarzynskiState js = s.jarzynski();
        return new DeviceState(s.init(), ReplayBuffer.of(n, d, x), s.residual(), s.rounds(),
                new JarzynskiState(logW, pending, move, ref, js.hasPending(), js.modelResidual()));
    }

    private static Walkers block(DeviceState s, int p, int[] idx) {
        int d = s.buffer().dim();
        float[] src = s.buffer().samples();
        JarzynskiState js = s.jarzynski();
        float[] x = new float[idx.length * d];
        float[] move = new float[idx.length * d];
        double[] pending = new double[idx.length];
        double[] inc = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            int a = idx[i];
            System.arraycopy(src, a * d, x, i * d, d);
            System.arraycopy(js.lastMove(), a * d, move, i * d, d);
            pending[i] = js.pending()[a];
            inc[i] = js.logW()[a] - js.gradientLogW()[a];
        }
        return new Walkers(p, idx.length, x, move, pending, inc);
    }

    /** The whole exchange in one JVM (the local engine, and the reference the Spark shuffle must equal). */
    public static DeviceState[] resampleAll(DeviceState[] states, long runSeed, int round) {
        List<double[]> totals = new ArrayList<>();
        for (DeviceState s : states) {
            totals.add(deviceTotal(s));
        }
        Plan plan = plan(totals, runSeed, round);
        List<List<Walkers>> inbox = new ArrayList<>();
        for (int p = 0; p < states.length; p++) {
            inbox.add(new ArrayList<>());
        }
        for (int p = 0; p < states.length; p++) {
            for (Map.Entry<Integer, Walkers> e : emigrants(states[p], plan, p, runSeed).entrySet()) {
                inbox.get(e.getKey()).add(e.getValue());
            }
        }
        DeviceState[] out = new DeviceState[states.length];
        for (int p = 0; p < states.length; p++) {
            out[p] = receive(states[p], plan, p, inbox.get(p), runSeed);
        }
        return out;
    }
}
