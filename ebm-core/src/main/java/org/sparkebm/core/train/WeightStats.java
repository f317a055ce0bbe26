package org.sparkebm.core.train;

import java.io.Serializable;

/**
 * What a device sends so the driver can normalise Jarzynski weights across devices in log space.
 *
 * @param logSum        log Σ_i exp(A_i) over the device's walkers
 * @param logSumSq      log Σ_i exp(2 A_i)
 * @param walkers       number of walkers
 * @param dataRows      positives used for the data gradient
 * @param dataEnergySum Σ_j U(x_j) over those positives
 */
public record WeightStats(double logSum, double logSumSq, int walkers, int dataRows, double dataEnergySum)
        implements Serializable {}
