package org.sparkebm.core.train;

import java.io.Serializable;

/**
 * What one device reports for one round (no data, only statistics).
 *
 * @param device        partition index
 * @param energyPos     mean energy of the positives
 * @param energyNeg     mean energy of the negatives after the Langevin steps
 * @param loss          the contrastive loss value
 * @param gradNorm      ||δ^p||_2 before compression
 * @param encodedBytes  bytes of the encoded Δ^p
 * @param reinitialised chains re-initialised this round
 * @param stepSeconds   wall time of the device step
 * @param clfLoss       hybrid models: mean cross-entropy of the classification batch (NaN otherwise)
 * @param clfAccuracy   hybrid models: its accuracy (NaN otherwise)
 */
public record DeviceMetrics(int device, double energyPos, double energyNeg, double loss, double gradNorm,
                            long encodedBytes, int reinitialised, double stepSeconds, double clfLoss,
                            double clfAccuracy) implements Serializable {
    /** Without a classifier. */
    public DeviceMetrics(int device, double energyPos, double energyNeg, double loss, double gradNorm,
                         long encodedBytes, int reinitialised, double stepSeconds) {
        this(device, energyPos, energyNeg, loss, gradNorm, encodedBytes, reinitialised, stepSeconds, Double.NaN,
                Double.NaN);
    }
}
