package org.sparkebm.core.config;

import java.io.Serializable;
import org.sparkebm.core.compress.Compressor;
import org.sparkebm.core.privacy.PrivacySpec;
import org.sparkebm.core.sampling.LangevinSampler;

/**
 * Everything a device needs to run one round, fixed for the whole run.
 *
 * @param batch          positives per device per round (≥ the shard size: the whole shard)
 * @param chains         negatives (chains advanced) per device per round (≥ buffer size: all chains)
 * @param steps          Langevin steps K per round (0 allowed: plain data-vs-buffer gradient)
 * @param l2             energy L2 weight a
 * @param sampler        the Langevin sampler (possibly with a compressed input gradient, EFF-EBM)
 * @param reinitFraction ρ: probability that a drawn chain is re-initialised before its steps
 * @param resetEvery     CD: every this many rounds all drawn chains restart from the initialiser (0: never)
 * @param compressor     C applied to δ^p
 * @param errorFeedback  whether the device keeps an error-feedback residual for C
 * @param privacy        device-level differential privacy (clip and device-side noise), or null for none
 */
public record StepSpec(int batch, int chains, int steps, double l2, LangevinSampler sampler, double reinitFraction,
                       int resetEvery, Compressor compressor, boolean errorFeedback,
                       PrivacySpec privacy, Hybrid hybrid) implements Serializable {

    /**
     * The hybrid (JEM / M-JEM) objective L = clfWeight·L_clf + genWeight·L_gen with two mini-batches per step.
     *
     * @param clfWeight weight of the classification cross-entropy
     * @param genWeight weight of the maximum-likelihood (contrastive) term; 0 trains a plain classifier (no chains)
     * @param clfBatch  labelled rows per device per round for L_clf, drawn independently of the generative batch
     * @param augment   augment the classification batch (random horizontal flip and shift by up to 2 pixels)
     */
    public record Hybrid(double clfWeight, double genWeight, int clfBatch, boolean augment) implements Serializable {
        public Hybrid {
            if (!(clfWeight >= 0) || !(genWeight >= 0) || clfBatch < 1) {
                throw new IllegalArgumentException("invalid hybrid spec " + clfWeight + "/" + genWeight + "/" + clfBatch);
            }
        }
    }

    /** Without privacy. */
    public StepSpec(int batch, int chains, int steps, double l2, LangevinSampler sampler, double reinitFraction,
                    int resetEvery, Compressor compressor, boolean errorFeedback) {
        this(batch, chains, steps, l2, sampler, reinitFraction, resetEvery, compressor, errorFeedback, null, null);
    }

    public StepSpec {
        if (batch < 1 || chains < 1 || steps < 0 || !(l2 >= 0) || !(reinitFraction >= 0 && reinitFraction <= 1)
                || resetEvery < 0 || sampler == null || compressor == null) {
            throw new IllegalArgumentException("invalid step spec " + batch + "/" + chains + "/" + steps + "/" + l2
                    + "/" + reinitFraction + "/" + resetEvery);
        }
    }
}
