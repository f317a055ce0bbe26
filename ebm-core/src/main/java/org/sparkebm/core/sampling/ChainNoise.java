package org.sparkebm.core.sampling;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.util.NdArrays;
import org.sparkebm.core.util.Seeds;

/**
 * Standard normal noise for a batch of chains, row r drawn from chain r's own generator.
 *
 * <p>Each chain's generator is seeded from (run seed, round, partition, chain id), so the noise a chain sees does
 * not depend on which other chains share its batch, and a retried task redraws it exactly. Draws use the JDK 17
 * ziggurat {@code nextGaussian}; one reused buffer, no allocation per step.
 */
public final class ChainNoise {
    private final SplittableRandom[] rngs;
    private final int dim;
    private final INDArray buffer;
    private final float[] scratchF;
    private final double[] scratchD;

    /**
     * @param chainIds the chain id of each row (e.g. its replay-buffer slot); read
     */
    public ChainNoise(long runSeed, long round, int partition, int[] chainIds, int dim, DataType type) {
        this.rngs = new SplittableRandom[chainIds.length];
        for (int r = 0; r < chainIds.length; r++) {
            rngs[r] = Seeds.random(runSeed, Seeds.Purpose.LANGEVIN_NOISE, round, partition, chainIds[r]);
        }
        this.dim = dim;
        this.buffer = Nd4j.createUninitialized(type, chainIds.length, dim);
        boolean isFloat = type == DataType.FLOAT;
        this.scratchF = isFloat ? new float[chainIds.length * dim] : null;
        this.scratchD = isFloat ? null : new double[chainIds.length * dim];
    }

    /** The generator of row r (for draws other than the step noise, e.g. resampling decisions). */
    public SplittableRandom rng(int r) {
        return rngs[r];
    }

    /** Fills and returns the internal {@code [n, dim]} buffer with fresh N(0, 1) draws (valid until the next call). */
    public INDArray next() {
        if (scratchF != null) {
            for (int r = 0; r < rngs.length; r++) {
                SplittableRandom g = rngs[r];
                int o = r * dim;
                for (int j = 0; j < dim; j++) {
                    scratchF[o + j] = (float) g.nextGaussian();
                }
            }
            NdArrays.fill(buffer, scratchF);
        } else {
            for (int r = 0; r < rngs.length; r++) {
                SplittableRandom g = rngs[r];
                int o = r * dim;
                for (int j = 0; j < dim; j++) {
                    scratchD[o + j] = g.nextGaussian();
                }
            }
            NdArrays.fill(buffer, scratchD);
        }
        return buffer;
    }
}
