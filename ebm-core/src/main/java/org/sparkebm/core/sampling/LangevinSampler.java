package org.sparkebm.core.sampling;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkebm.core.compress.Compressor;
import org.sparkebm.core.model.EnergyModel;

/**
 * Langevin dynamics {@code x ← clamp(x − α·clip(C(∇x E)) + σ·ξ)}.
 *
 * <ul>
 *   <li>ULA: α = h, σ = √(2h) ({@link #ula(double)}), the sampler of Carbone, Hua, Coste, Vanden-Eijnden,
 *   "Efficient Training of Energy-Based Models Using Jarzynski Equality" (2023) and of W1.</li>
 *   <li>SGLD with decoupled step and noise, as in M-EBM / JEM (Yang and Ji, "M-EBM: Towards Understanding the
 *   Manifolds of Energy-Based Models", 2023) and W2 ({@link #sgld}).</li>
 *   <li>EFF-EBM (Algorithm 1 of an earlier version of the anonymous draft "Memory Efficient EBM Training",
 *   2021): the input gradient of each chain passes through a compressor C first.</li>
 * </ul>
 * Those papers write the update with γ/2 and √γ; that is ULA with h = γ/2.
 *
 * @param stepSize   α > 0
 * @param noiseStd   σ ≥ 0
 * @param gradClip   clip each gradient entry to ±gradClip; ≤ 0 disables
 * @param clampMin   lower sample bound, or −∞
 * @param clampMax   upper sample bound, or +∞
 * @param compressor compressor applied to each chain's gradient, or {@code null}
 */
public record LangevinSampler(double stepSize, double noiseStd, double gradClip, double clampMin, double clampMax,
                              Compressor compressor) implements Serializable {

    public LangevinSampler {
        if (!(stepSize > 0) || !(noiseStd >= 0) || Double.isNaN(gradClip) || !(clampMin < clampMax)) {
            throw new IllegalArgumentException("bad Langevin settings: step " + stepSize + ", noise " + noiseStd
                    + ", clip " + gradClip + ", clamp [" + clampMin + ", " + clampMax + "]");
        }
    }

    /** Unadjusted Langevin: x ← x − h∇E + √(2h)ξ. */
    public static LangevinSampler ula(double h) {
        return new LangevinSampler(h, Math.sqrt(2 * h), 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, null);
    }

    /** SGLD form x ← x − α∇E + σξ. */
    public static LangevinSampler sgld(double alpha, double sigma) {
        return new LangevinSampler(alpha, sigma, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, null);
    }

    public LangevinSampler withGradClip(double clip) {
        return new LangevinSampler(stepSize, noiseStd, clip, clampMin, clampMax, compressor);
    }

    public LangevinSampler withClamp(double lo, double hi) {
        return new LangevinSampler(stepSize, noiseStd, gradClip, lo, hi, compressor);
    }

    public LangevinSampler withCompressor(Compressor c) {
        return new LangevinSampler(stepSize, noiseStd, gradClip, clampMin, clampMax, c);
    }

    /**
     * Runs {@code steps} steps on every row of {@code x}.
     *
     * @param x     read and written in place, {@code [n, d]}, rows are chains
     * @param noise source of row-wise N(0, 1) noise for the same rows
     * @return the energies at the start of the last step, {@code [n]} (new array), or {@code null} if steps = 0
     */
    public INDArray run(EnergyModel model, INDArray x, int steps, ChainNoise noise) {
        INDArray grad = Nd4j.createUninitialized(x.dataType(), x.shape());
        INDArray energies = null;
        boolean clamp = clampMin > Double.NEGATIVE_INFINITY || clampMax < Double.POSITIVE_INFINITY;
        for (int k = 0; k < steps; k++) {
            energies = model.energyAndInputGradient(x, grad);
            if (compressor != null) {
                compressRows(grad);
            }
            if (gradClip > 0) {
                clipInPlace(grad, -gradClip, gradClip);
            }
            x.subi(grad.muli(stepSize));
            if (noiseStd > 0) {
                x.addi(noise.next().muli(noiseStd));
            }
            if (clamp) {
                clipInPlace(x, clampMin, clampMax);
            }
        }
        return energies;
    }

    /** a ← min(hi, max(lo, a)) in place; infinite bounds are skipped. {@code a} is read and written. */
    private static void clipInPlace(INDArray a, double lo, double hi) {
        if (lo > Double.NEGATIVE_INFINITY) {
            Transforms.max(a, lo, false);
        }
        if (hi < Double.POSITIVE_INFINITY) {
            Transforms.min(a, hi, false);
        }
    }

    private void compressRows(INDArray grad) {
        int n = (int) grad.size(0);
        int d = (int) grad.size(1);
        float[] g = grad.data().asFloat();
        for (int r = 0; r < n; r++) {
            compressor.projectInPlace(g, r * d, d);
        }
        grad.assign(Nd4j.create(g, new long[] {n, d}, 'c').castTo(grad.dataType()));
    }
}
