package org.sparkebm.core.train;

import java.io.Serializable;

/**
 * The outcome of one device round.
 *
 * @param state   the device's new state (stays on the device)
 * @param delta   the encoded Δ^p = C(δ^p) (the only thing that leaves the device), or {@code null} when the
 *                device did not take part in the round
 * @param metrics statistics, or {@code null} when the device did not take part
 * @param modelDelta Jarzynski only: the encoded, locally normalised weighted model gradient (then {@code delta} is
 *                   the data gradient alone); {@code null} otherwise
 * @param weights    Jarzynski only: the device's weight statistics; {@code null} otherwise
 */
public record DeviceResult(DeviceState state, byte[] delta, DeviceMetrics metrics, byte[] modelDelta,
                           WeightStats weights) implements Serializable {

    /** A contrastive (PCD/CD) result. */
    public DeviceResult(DeviceState state, byte[] delta, DeviceMetrics metrics) {
        this(state, delta, metrics, null, null);
    }
}
