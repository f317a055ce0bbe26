package org.sparkebm.core.train;

import java.io.Serializable;
import org.sparkebm.core.sampling.ChainInitializer;
import org.sparkebm.core.sampling.ReplayBuffer;

/**
 * What a device carries from round to round: its chains and its error-feedback residual.
 *
 * <p>Treated as immutable: a device step returns a new state and never writes the one it was given, so a
 * retried Spark task that re-reads the cached previous state computes the same result.
 *
 * @param init     how fresh chains are drawn (immutable; e.g. the Gaussian fitted to this device's shard)
 * @param buffer   the persistent chains
 * @param residual error-feedback residual of the δ^p compressor, or {@code null} when error feedback is off
 * @param rounds   rounds this device has taken part in
 * @param jarzynski walker log-weights and pending weight updates (Jarzynski training), or {@code null}
 */
public record DeviceState(ChainInitializer init, ReplayBuffer buffer, float[] residual,
                          long rounds, JarzynskiState jarzynski) implements Serializable {

    /** Approximate heap bytes. */
    public long memoryBytes() {
        long j = jarzynski == null ? 0 : 16L * jarzynski.logW().length + 4L * jarzynski.lastMove().length
                + (jarzynski.modelResidual() == null ? 0 : 4L * jarzynski.modelResidual().length);
        return buffer.memoryBytes() + (residual == null ? 0 : 4L * residual.length) + j;
    }
}
