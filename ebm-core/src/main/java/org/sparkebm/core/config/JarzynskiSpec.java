package org.sparkebm.core.config;

import java.io.Serializable;

/**
 * Settings of Jarzynski-weighted training (Carbone, Hua, Coste, Vanden-Eijnden, "Efficient Training of Energy-Based
 * Models Using Jarzynski Equality", 2023).
 *
 * @param threshold   resample when N/ESS − 1 > threshold (the paper's c; 1.0 by default)
 * @param essFraction alternatively resample when ESS/N < essFraction (0: off); either condition triggers
 * @param resampling  how resampling works across devices: {@code island} (the default: each device resamples its
 *                    own walkers and keeps its total weight, so the global weighted estimate stays unbiased and no
 *                    walker crosses the network) or {@code global} (offspring drawn from all walkers together,
 *                    surplus walkers shuffled to other devices: {@link GlobalResampling})
 */
public record JarzynskiSpec(double threshold, double essFraction, Resampling resampling) implements Serializable {

    /** Whether walkers are resampled across devices ({@link GlobalResampling}) rather than per device. */
    public boolean global() {
        return resampling == Resampling.GLOBAL;
    }

    /** Whether weights with this ESS over N walkers must be resampled. */
    public boolean shouldResample(double ess, long walkers) {
        return walkers / ess - 1 > threshold || (essFraction > 0 && ess / walkers < essFraction);
    }
}
