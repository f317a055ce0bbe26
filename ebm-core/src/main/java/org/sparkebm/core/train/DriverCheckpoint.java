package org.sparkebm.core.train;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The driver's part of a checkpoint: everything besides the device states needed to continue bit for bit.
 *
 * @param nextRound     the round to run next
 * @param theta         θ after {@code nextRound} rounds
 * @param optimiser     the optimiser state (e.g. Adam's moments)
 * @param resampleNext  the pending Jarzynski resampling decision
 * @param lrMultiplier  learning-rate multiplier after divergence rollbacks (1 when none)
 * @param rollbacks     rollbacks taken so far
 * @param history       every round's summary so far
 * @param roundSeconds  wall time of every round so far
 * @param config        the resolved config of the run that wrote it
 * @param devices       number of device files that belong to it
 */
public record DriverCheckpoint(int nextRound, float[] theta, float[] optimiser, boolean resampleNext,
                               double lrMultiplier, int rollbacks, List<RoundSummary> history, double[] roundSeconds,
                               Map<String, String> config, int devices) implements Serializable {
    private static final long serialVersionUID = 1L;
}
