package org.sparkebm.core.train;

import java.io.Serializable;

/**
 * The outcome of one device round.
 *
 * @param state   the device's new state (stays on the device)
 * @param delta   the encoded Δ^p = C(δ^p) (the only thing that leaves the device), or {@code null} when the
 *                device did not take part in the round
 * @param metrics statistics, or {@code null} when the device did not take part
 */
public record DeviceResult(DeviceState state, byte[] delta, DeviceMetrics metrics) implements Serializable {}
