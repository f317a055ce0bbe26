package org.sparkebm.core.train;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkebm.core.compress.Compressor;
import org.sparkebm.core.config.StepSpec;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.model.HybridEnergy;
import org.sparkebm.core.privacy.NoiseAt;
import org.sparkebm.core.sampling.ChainInitializer;
import org.sparkebm.core.sampling.ChainNoise;
import org.sparkebm.core.sampling.ReplayBuffer;
import org.sparkebm.core.util.NdArrays;
import org.sparkebm.core.util.Seeds;

/**
 * One device's round of Algorithm 1 ("Distributed and private EBM", lines 4-19) of the anonymous draft "Memory
 * Efficient EBM Training", 2021: K Langevin steps on its chains at θ_t, the local gradient
 * δ^p = mean ∂θE(x+) − mean ∂θE(x−) (plus the L2 energy term), and Δ^p = C(δ^p + r).
 *
 * <p>A pure function of (θ already set in the model, spec, shard, state, run seed, round, partition): every
 * random draw comes from {@link Seeds} keyed by those, so the same inputs give the same bits.
 */
public final class DeviceUpdate {
    private DeviceUpdate() {}

    /** Initial state of device {@code partition}: a buffer of {@code bufferSize} chains drawn from {@code init}. */
    public static DeviceState initialState(StepSpec spec, int bufferSize, ChainInitializer init, Shard shard,
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
    public static DeviceResult run(EnergyModel model, StepSpec spec, Shard shard, DeviceState state,
                                   long runSeed, int round, int partition) {
        ChainInitializer init = state.init();
        long t0 = System.nanoTime();
        DataType type = model.dataType();
        int d = shard.dim();
        if (d != model.inputDim()) {
            throw new IllegalArgumentException("data has " + d + " features per row, the model expects " + model.inputDim());
        }
        StepSpec.Hybrid hybrid = spec.hybrid();
        if (hybrid != null && hybrid.genWeight() == 0) {
            return classifierOnly((HybridEnergy) model, spec, shard, state, runSeed, round,
                    partition, t0);
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
        INDArray xNeg = NdArrays.of(neg, m, d).castTo(type);
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
        INDArray x = Nd4j.vstack(NdArrays.of(pos, nPos, d).castTo(type), xNeg);
        EnergyModel.ParamGradient pg;
        double clfLoss = Double.NaN;
        double clfAcc = Double.NaN;
        if (hybrid != null) {
            // L = clfWeight·L_clf(augmented labelled batch) + genWeight·L_gen(positives, negatives): one backprop
            Batch b = classifierBatch(shard, hybrid, runSeed, round, partition, type);
            double gw = hybrid.genWeight();
            HybridEnergy.HybridGradient hg = ((HybridEnergy) model)
                    .hybridGradient(b.x(), b.labels(), hybrid.clfWeight(), x,
                            e -> ContrastiveLoss.coefficients(e, nPos, null, spec.l2()).muli(gw));
            pg = new EnergyModel.ParamGradient(hg.energies(), hg.gradient());
            clfLoss = hg.crossEntropy();
            clfAcc = hg.accuracy();
        } else {
            pg = model.paramGradient(x, e -> ContrastiveLoss.coefficients(e, nPos, null, spec.l2()));
        }
        float[] delta = pg.gradient().castTo(DataType.FLOAT).data().asFloat();
        double gradNorm = norm(delta);
        float[] residual = state.residual() == null ? null : state.residual().clone();
        byte[] encoded = release(spec, delta, residual, runSeed, round, partition);

        INDArray e = pg.energies();
        double ePos = e.get(NDArrayIndex.interval(0, nPos)).meanNumber().doubleValue();
        double eNeg = e.get(NDArrayIndex.interval(nPos, nPos + m)).meanNumber().doubleValue();
        double loss = ContrastiveLoss.value(e, nPos, null, spec.l2());
        if (hybrid != null) {
            loss = hybrid.genWeight() * loss + hybrid.clfWeight() * clfLoss;
        }
        DeviceMetrics metrics = new DeviceMetrics(partition, ePos, eNeg, loss, gradNorm, encoded.length, reinit,
                (System.nanoTime() - t0) / 1e9, clfLoss, clfAcc);
        return new DeviceResult(new DeviceState(init, buf, residual, state.rounds() + 1, null), encoded, metrics);
    }

    /**
     * What leaves the device: with privacy, clip then (device mode) noise, before compression and error feedback,
     * so all later steps are post-processing of the noised clipped vector; then Δ^p = C(δ^p + r).
     *
     * @param delta    written (clipped and noised in place)
     * @param residual written: the error-feedback residual, or null
     */
    private static byte[] release(StepSpec spec, float[] delta, float[] residual, long runSeed, int round,
                                  int partition) {
        if (spec.privacy() != null && spec.privacy().enabled()) {
            spec.privacy().clipInPlace(delta);
            if (spec.privacy().where() == NoiseAt.DEVICE) {
                spec.privacy().addNoise(delta, Seeds.random(runSeed, Seeds.Purpose.PRIVACY_NOISE, round, partition, 0));
            }
        }
        return Compressor.compressNoLargerThanDense(spec.compressor(), delta, residual).encode();
    }

    /** A plain classifier round of a hybrid network (train.genWeight = 0): no chains, no Langevin. */
    private static DeviceResult classifierOnly(HybridEnergy model, StepSpec spec,
                                               Shard shard, DeviceState state, long runSeed, int round,
                                               int partition, long t0) {
        Batch b = classifierBatch(shard, spec.hybrid(), runSeed, round, partition, model.dataType());
        HybridEnergy.HybridGradient hg = model.hybridGradient(b.x(), b.labels(),
                spec.hybrid().clfWeight(), null, null);
        float[] delta = hg.gradient().castTo(DataType.FLOAT).data().asFloat();
        double gradNorm = norm(delta);
        float[] residual = state.residual() == null ? null : state.residual().clone();
        byte[] encoded = release(spec, delta, residual, runSeed, round, partition);
        // no negatives: report the mean energy of the classification batch for both (finite, so the divergence guard
        // still judges the run)
        double e = hg.energies().meanNumber().doubleValue();
        DeviceMetrics metrics = new DeviceMetrics(partition, e, e, spec.hybrid().clfWeight() * hg.crossEntropy(),
                gradNorm, encoded.length, 0, (System.nanoTime() - t0) / 1e9, hg.crossEntropy(), hg.accuracy());
        return new DeviceResult(new DeviceState(state.init(), state.buffer(), residual, state.rounds() + 1, null),
                encoded, metrics);
    }

    /** The classification batch: labelled rows drawn independently of the generative batch, augmented if asked. */
    record Batch(INDArray x, int[] labels) {}

    static Batch classifierBatch(Shard shard, StepSpec.Hybrid h, long runSeed, int round, int partition,
                                 DataType type) {
        if (shard.labels() == null) {
            throw new IllegalStateException("a hybrid model needs labelled data");
        }
        int d = shard.dim();
        int[] rows = chooseRows(shard.rows(), h.clfBatch(),
                Seeds.random(runSeed, Seeds.Purpose.CLASSIFIER_BATCH, round, partition, 0));
        float[] v = new float[rows.length * d];
        int[] labels = new int[rows.length];
        int[] shape = shard.sampleShape();
        boolean image = shape.length == 3;
        for (int j = 0; j < rows.length; j++) {
            labels[j] = shard.labels()[rows[j]];
            if (h.augment() && image) {
                augment(shard.values(), rows[j] * d, v, j * d, shape[1], shape[2],
                        Seeds.random(runSeed, Seeds.Purpose.AUGMENT, round, partition, rows[j]));
            } else {
                System.arraycopy(shard.values(), rows[j] * d, v, j * d, d);
            }
        }
        return new Batch(NdArrays.of(v, rows.length, d).castTo(type), labels);
    }

    /**
     * One augmented image: flipped left–right with probability ½ and shifted by (dy, dx) ∈ [−2, 2]², uncovered
     * pixels set to the background −1 (the images' [−1, 1] scale).
     *
     * @param src read: the image at {@code srcOff}; {@code dst} written at {@code dstOff}
     */
    static void augment(float[] src, int srcOff, float[] dst, int dstOff, int h, int w, SplittableRandom rng) {
        boolean flip = rng.nextBoolean();
        int dy = rng.nextInt(5) - 2;
        int dx = rng.nextInt(5) - 2;
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                int sr = r - dy;
                int sc = c - dx;
                if (flip) {
                    sc = w - 1 - sc;
                }
                dst[dstOff + r * w + c] = sr >= 0 && sr < h && sc >= 0 && sc < w ? src[srcOff + sr * w + sc] : -1f;
            }
        }
    }

    /** Rows for a batch: all rows when {@code batch >= n}, else a uniform draw without replacement, sorted. */
    public static int[] chooseRows(int n, int batch, SplittableRandom rng) {
        if (batch >= n) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        // Floyd's algorithm: O(batch) memory, uniform over subsets.
        TreeSet<Integer> chosen = new TreeSet<>();
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
