package org.sparkebm.core.train;

import java.io.Serializable;
import java.util.List;

/**
 * One round as the driver saw it: the row of {@code metrics.csv}.
 *
 * @param round            0-based round index
 * @param devices          participating devices, ascending
 * @param energyPos        mean over devices of the mean positive energy
 * @param energyNeg        mean over devices of the mean negative energy
 * @param loss             mean contrastive loss
 * @param gradNorm         mean ||δ^p|| before compression
 * @param updateNorm       ||mean Δ^p||, the aggregated gradient the optimiser received
 * @param encodedBytes     Σ_p encoded bytes of Δ^p
 * @param denseBytes       what dense fp32 Δ^p would have taken (4·d per device)
 * @param deviceSeconds    the longest device step
 * @param deviceSecondsSum the device steps' summed wall time
 * @param reinitialised    chains re-initialised (Jarzynski: walkers resampled), summed over devices
 * @param ess              Jarzynski: effective sample size of the weights used in this round's gradient; NaN otherwise
 * @param logZ             Jarzynski: running estimate of log Z (absolute for mixture energies, else relative to
 *                         log Z_0); NaN otherwise
 * @param crossEntropy     Jarzynski: log Z + mean data energy; NaN otherwise
 * @param resampleNext     Jarzynski: whether the walkers are resampled at the start of the next round
 * @param modeWeights      mixture energies: the learned mode weights after this round's update; else null
 * @param epsilon          differential privacy: ε spent after this round (at privacy.delta); NaN when off
 */
public record RoundSummary(int round, List<Integer> devices, double energyPos, double energyNeg, double loss,
                           double gradNorm, double updateNorm, long encodedBytes, long denseBytes,
                           double deviceSeconds, double deviceSecondsSum, int reinitialised, double ess, double logZ, double crossEntropy,
                           boolean resampleNext, double[] modeWeights, double epsilon, double clfLoss,
                           double clfAccuracy) implements Serializable {}
