/**
 * Training without Spark: a device's round ({@code DeviceRound}, {@code DeviceUpdate}), the server's combination of
 * the updates ({@code DeltaAggregator}, {@code ParameterServer}), Jarzynski weights and resampling, and the
 * {@code Trainer} interface with its local engine ({@code LocalTrainer}), the reference the Spark engine equals bit
 * for bit.
 */
package org.sparkebm.core.train;
