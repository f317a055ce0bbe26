package org.sparkebm.core.train;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkebm.core.compress.Compressed;
import org.sparkebm.core.compress.Compressor;
import org.sparkebm.core.config.StepSpec;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.privacy.NoiseAt;
import org.sparkebm.core.sampling.ChainNoise;
import org.sparkebm.core.sampling.ReplayBuffer;
import org.sparkebm.core.util.LogSpace;
import org.sparkebm.core.util.NdArrays;
import org.sparkebm.core.util.Seeds;

/**
 * One device round of Jarzynski-weighted training (Carbone, Hua, Coste, Vanden-Eijnden, arXiv 2305.19414, Alg. 1).
 *
 * <p>Per walker X_i with log-weight A_i, under θ_t:
 * <ol>
 *   <li>U_t(X), ∇U_t(X) at the walkers; complete the last move's weight update
 *       {@code A += α_{t−1}(X_prev, X) − α_t(X, X_prev)} with α_θ(x, y) = U_θ(x) + ½(y − x)·∇U_θ(x) + ¼h|∇U_θ(x)|²;</li>
 *   <li>if the driver asked for it, resample (island style: ancestors ∝ exp(A) as of the last gradient, the
 *       device's total weight kept, later increments carried);</li>
 *   <li>the data gradient mean ∂θU(x+) and the locally normalised weighted model gradient Σ p_i ∂θU(X_i), each
 *       compressed with its own error-feedback residual, plus log Σw and log Σw² for the global normalisation;</li>
 *   <li>K ULA steps X' = X − h∇U_t(X) + √(2h)ξ, each completing the previous step's weight update within θ_t, and
 *       keeping α_t(X, X') of the last step pending for θ_{t+1}.</li>
 * </ol>
 */
public final class JarzynskiStep {
    private JarzynskiStep() {}

    /**
     * @param resample whether to resample before the gradient (decided by the driver from the last round's ESS)
     */
    public static DeviceResult run(EnergyModel model, StepSpec spec, Shard shard, DeviceState state, long runSeed,
                                   int round, int partition, boolean resample) {
        long t0 = System.nanoTime();
        DataType type = model.dataType();
        ReplayBuffer buf = state.buffer();
        JarzynskiState js = state.jarzynski();
        int n = buf.size();
        int d = buf.dim();
        double h = spec.sampler().stepSize();
        double a = spec.l2();
        INDArray x = NdArrays.of(buf.samples(), n, d).castTo(type);
        INDArray g = Nd4j.createUninitialized(type, n, d);
        double[] logW = js.logW().clone();
        INDArray e = model.energyAndInputGradient(x, g);
        if (js.hasPending()) {
            INDArray move = NdArrays.of(js.lastMove(), n, d).castTo(type);
            complete(logW, js.pending(), move, e, g, h);
        }
        int resampled = 0;
        if (resample) {
            double[] ref = js.gradientLogW();
            int[] anc = LogSpace.systematic(ref, n, Seeds.random(runSeed, Seeds.Purpose.RESAMPLE, round, partition, 0));
            double level = LogSpace.logSumExp(ref) - Math.log(n);
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                next[i] = level + (logW[anc[i]] - ref[anc[i]]);
            }
            logW = next;
            // one native gather per array (getRows would compute a TAD per row: 20x slower at 625 walkers)
            x = Nd4j.pullRows(x, 1, anc);
            g = Nd4j.pullRows(g, 1, anc);
            e = e.get(NDArrayIndex.indices(toLong(anc))).dup();
            resampled = n;
        }

        // gradients: weighted model part (local softmax) and data part
        double lse = LogSpace.logSumExp(logW);
        double lse2 = LogSpace.logSumExp2(logW);
        double[] p = new double[n];
        double weightedNeg = 0;
        double[] ev = e.toDoubleVector();
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logW[i] - lse);
            weightedNeg += p[i] * ev[i];
        }
        INDArray pw = Nd4j.createFromArray(p).castTo(type);
        EnergyModel.ParamGradient mg = model.paramGradient(x, en -> pw.mul(en.mul(-2 * a).addi(1.0)));
        int[] rows = DeviceUpdate.chooseRows(shard.rows(), spec.batch(),
                Seeds.random(runSeed, Seeds.Purpose.POSITIVE_BATCH, round, partition, 0));
        int nPos = rows.length;
        float[] pos = new float[nPos * d];
        for (int j = 0; j < nPos; j++) {
            System.arraycopy(shard.values(), rows[j] * d, pos, j * d, d);
        }
        UnaryOperator<INDArray> dataCoeff = ep -> ep.mul(2 * a).addi(1.0).divi(nPos);
        EnergyModel.ParamGradient dg = model.paramGradient(NdArrays.of(pos, nPos, d).castTo(type), dataCoeff);
        float[] dataVec = dg.gradient().castTo(DataType.FLOAT).data().asFloat();
        float[] modelVec = mg.gradient().castTo(DataType.FLOAT).data().asFloat();
        float[] diff = new float[dataVec.length];
        for (int i = 0; i < diff.length; i++) {
            diff[i] = dataVec[i] - modelVec[i];
        }
        double diffNorm = DeviceUpdate.norm(diff);
        if (spec.privacy() != null && spec.privacy().enabled()) {
            // Only the data part touches the shard: clip it and (device mode) noise it before compression and
            // error feedback. The weighted model part is a function of θ's public history and of walkers that
            // started from the data-independent initial model, so it needs no noise (RunConfig refuses
            // data-fitted walker initialisers with privacy).
            spec.privacy().clipInPlace(dataVec);
            if (spec.privacy().where() == NoiseAt.DEVICE) {
                spec.privacy().addNoise(dataVec, Seeds.random(runSeed, Seeds.Purpose.PRIVACY_NOISE, round, partition, 0));
            }
        }
        float[] residual = state.residual() == null ? null : state.residual().clone();
        float[] modelResidual = js.modelResidual() == null ? null : js.modelResidual().clone();
        Compressed cData = Compressor.compressNoLargerThanDense(spec.compressor(), dataVec, residual);
        Compressed cModel = Compressor.compressNoLargerThanDense(spec.compressor(), modelVec, modelResidual);
        byte[] encData = cData.encode();
        byte[] encModel = cModel.encode();
        double[] gradientLogW = logW.clone();

        // K ULA steps under θ_t
        ChainNoise noise = new ChainNoise(runSeed, round, partition, identity(n), d, type);
        double[] pending = new double[n];
        INDArray move = null;
        double sq = Math.sqrt(2 * h);
        for (int k = 0; k < spec.steps(); k++) {
            if (k > 0) {
                e = model.energyAndInputGradient(x, g);
                complete(logW, pending, move, e, g, h);
            }
            INDArray prev = x.dup();
            x.subi(g.mul(h)).addi(noise.next().mul(sq));
            move = x.sub(prev);
            // α_t(prev, x) = U(prev) + ½ (x − prev)·∇U(prev) + ¼ h |∇U(prev)|²
            double[] dot = move.mul(g).sum(1).toDoubleVector();
            double[] gn = g.mul(g).sum(1).toDoubleVector();
            double[] en = e.toDoubleVector();
            for (int i = 0; i < n; i++) {
                pending[i] = en[i] + 0.5 * dot[i] + 0.25 * h * gn[i];
            }
        }
        float[] walkers = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] lastMove = move == null ? js.lastMove() : move.castTo(DataType.FLOAT).dup('c').data().asFloat();
        boolean hasPending = spec.steps() > 0 || js.hasPending();
        JarzynskiState nextJs = new JarzynskiState(logW, spec.steps() > 0 ? pending : js.pending(), lastMove,
                gradientLogW, hasPending, modelResidual);
        DeviceState next = new DeviceState(state.init(), ReplayBuffer.of(n, d, walkers), residual,
                state.rounds() + 1, nextJs);
        double dataE = dg.energies().sumNumber().doubleValue();
        DeviceMetrics metrics = new DeviceMetrics(partition, dataE / nPos, weightedNeg, dataE / nPos - weightedNeg,
                diffNorm, encData.length + encModel.length, resampled, (System.nanoTime() - t0) / 1e9);
        return new DeviceResult(next, encData, metrics, encModel, new WeightStats(lse, lse2, n, nPos, dataE));
    }

    /**
     * A += pending − α_new(X, X_prev) with α_new(x, y) = U(x) + ½(y − x)·∇U(x) + ¼h|∇U(x)|² and y − x = −move.
     * {@code logW} written; the rest read.
     */
    public static void complete(double[] logW, double[] pending, INDArray move, INDArray e, INDArray g, double h) {
        double[] dot = move.mul(g).sum(1).toDoubleVector();
        double[] gn = g.mul(g).sum(1).toDoubleVector();
        double[] en = e.toDoubleVector();
        for (int i = 0; i < logW.length; i++) {
            double alphaNew = en[i] - 0.5 * dot[i] + 0.25 * h * gn[i];
            logW[i] += pending[i] - alphaNew;
        }
    }

    private static int[] identity(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return ids;
    }

    private static long[] toLong(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            l[i] = a[i];
        }
        return l;
    }
}
