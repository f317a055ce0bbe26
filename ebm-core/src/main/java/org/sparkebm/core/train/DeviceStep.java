package org.sparkebm.core.train;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.compress.Compressed;
import org.sparkebm.core.data.Dataset;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.sampling.ChainInitializer;
import org.sparkebm.core.sampling.ChainNoise;
import org.sparkebm.core.sampling.ReplayBuffer;
import org.sparkebm.core.util.Seeds;

/**
 * One device's round of seed 001's Algorithm 1 (lines 4-19): K Langevin steps on its chains at θ_t, the local
 * gradient δ^p = mean ∂θE(x+) − mean ∂θE(x−) (plus the L2 energy term), and Δ^p = C(δ^p + r).
 *
 * <p>A pure function of (θ already set in the model, spec, shard, state, run seed, round, partition): every
 * random draw comes from {@link Seeds} keyed by those, so the same inputs give the same bits.
 */
public final class DeviceStep {
    private DeviceStep() {}

    /** Initial state of device {@code partition}: a buffer of {@code bufferSize} chains drawn from {@code init}. */
    public static DeviceState initialState(StepSpec spec, int bufferSize, ChainInitializer init, Dataset shard,
                                           long numParams, long runSeed, int partition) {
        ReplayBuffer buf = ReplayBuffer.create(bufferSize, init, shard,
                slot -> Seeds.random(runSeed, Seeds.Purpose.CHAIN_REINIT, -1, partition, slot));
        float[] residual = spec.errorFeedback() ? new float[Math.toIntExact(numParams)] : null;
        return new DeviceState(init, buf, residual, 0, null);
    }

    /**
     * Runs one round.
     *
     * @param model θ_t already set; used as scratch (not thread-safe)
     * @param shard the device's data; read
     * @param state read only; the result holds a new state
     */
    public static DeviceResult run(EnergyModel model, StepSpec spec, Dataset shard, DeviceState state,
                                   long runSeed, int round, int partition) {
        ChainInitializer init = state.init();
        long t0 = System.nanoTime();
        DataType type = model.dataType();
        int d = shard.dim();
        if (d != model.inputDim()) {
            throw new IllegalArgumentException("data has " + d + " features per row, the model expects " + model.inputDim());
        }
        // Negatives: draw slots, re-initialise a fraction, run Langevin, write back into a copy of the buffer.
        ReplayBuffer buf = state.buffer().copy();
        int[] slots = buf.chooseSlots(spec.chains(), Seeds.random(runSeed, Seeds.Purpose.CHAIN_SELECT, round, partition, 0));
        int m = slots.length;
        float[] neg = new float[m * d];
        buf.read(slots, neg);
        boolean resetAll = spec.resetEvery() > 0 && round % spec.resetEvery() == 0;
        int reinit = 0;
        for (int r = 0; r < m; r++) {
            SplittableRandom rr = Seeds.random(runSeed, Seeds.Purpose.CHAIN_REINIT, round, partition, slots[r]);
            if (resetAll || (spec.reinitFraction() > 0 && rr.nextDouble() < spec.reinitFraction())) {
                init.draw(neg, r * d, shard, rr);
                reinit++;
            }
        }
        INDArray xNeg = org.sparkebm.core.util.NdArrays.of(neg, m, d).castTo(type);
        ChainNoise noise = new ChainNoise(runSeed, round, partition, slots, d, type);
        spec.sampler().run(model, xNeg, spec.steps(), noise);
        float[] negAfter = xNeg.castTo(DataType.FLOAT).dup('c').data().asFloat();
        buf.write(slots, negAfter);

        // Positives: a batch of the local shard.
        int[] rows = chooseRows(shard.rows(), spec.batch(),
                Seeds.random(runSeed, Seeds.Purpose.POSITIVE_BATCH, round, partition, 0));
        int nPos = rows.length;
        float[] pos = new float[nPos * d];
        for (int j = 0; j < nPos; j++) {
            System.arraycopy(shard.values(), rows[j] * d, pos, j * d, d);
        }
        INDArray x = Nd4j.vstack(org.sparkebm.core.util.NdArrays.of(pos, nPos, d).castTo(type), xNeg);
        EnergyModel.ParamGradient pg = model.paramGradient(x,
                e -> ContrastiveLoss.coefficients(e, nPos, null, spec.l2()));
        float[] delta = pg.gradient().castTo(DataType.FLOAT).data().asFloat();
        double gradNorm = norm(delta);
        if (spec.privacy() != null && spec.privacy().enabled()) {
            // clip, then (device mode) noise, before compression and error feedback: all later steps are
            // post-processing of the noised clipped vector
            spec.privacy().clipInPlace(delta);
            if (spec.privacy().where().equals("device")) {
                spec.privacy().addNoise(delta, Seeds.random(runSeed, Seeds.Purpose.PRIVACY_NOISE, round, partition, 0));
            }
        }
        float[] residual = state.residual() == null ? null : state.residual().clone();
        Compressed c = spec.compressor().compress(delta, residual);
        byte[] encoded = c.encode();

        INDArray e = pg.energies();
        double ePos = e.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, nPos)).meanNumber().doubleValue();
        double eNeg = e.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(nPos, nPos + m)).meanNumber().doubleValue();
        double loss = ContrastiveLoss.value(e, nPos, null, spec.l2());
        DeviceMetrics metrics = new DeviceMetrics(partition, ePos, eNeg, loss, gradNorm, encoded.length, reinit,
                (System.nanoTime() - t0) / 1e9);
        return new DeviceResult(new DeviceState(init, buf, residual, state.rounds() + 1, null), encoded, metrics);
    }

    /** Rows for a batch: all rows when {@code batch >= n}, else a uniform draw without replacement, sorted. */
    public static int[] chooseRows(int n, int batch, SplittableRandom rng) {
        if (batch >= n) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        // Floyd's algorithm: O(batch) memory, uniform over subsets.
        java.util.TreeSet<Integer> chosen = new java.util.TreeSet<>();
        for (int j = n - batch; j < n; j++) {
            int t = rng.nextInt(j + 1);
            if (!chosen.add(t)) {
                chosen.add(j);
            }
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    public static double norm(float[] v) {
        double s = 0;
        for (float f : v) {
            s += (double) f * f;
        }
        return Math.sqrt(s);
    }
}
