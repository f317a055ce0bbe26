package org.sparkebm.core.sampling;

import java.io.Serializable;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.model.GaussianBaseEnergy;
import org.sparkebm.core.model.GaussianMixtureEnergy;

/** Chain storage and initialisation. */
public record ChainSpec(int buffer, ChainInit init, double uniformLow, double uniformHigh,
                        GaussianInit.Covariance covariance,
                        ReplayBuffer.Storage storage) implements Serializable {
    /**
     * The initialiser of a device, fitted to its own shard where needed.
     *
     * @param initial  the initial model (needed by {@code model}: exact draws from a mixture energy), or null
     * @param basePath model.basePath (exact draws from a fitted Gaussian base), or null
     */
    public ChainInitializer build(Shard shard, double clampMin, double clampMax, EnergyModel initial,
                                  String basePath) {
        return switch (init) {
            case MODEL -> initial instanceof GaussianMixtureEnergy g ? new MixtureInit(g)
                    : ((GaussianBaseEnergy) initial).fitted() != null
                    ? new FittedGaussianInit(shard.dim(), basePath)
                    : new IsotropicGaussianInit(shard.dim(),
                            ((GaussianBaseEnergy) initial).std());
            case UNIFORM -> new UniformInit(shard.dim(), uniformLow, uniformHigh);
            case DATA -> new DataInit(shard.dim());
            case GAUSSIAN -> GaussianInit.fit(shard, covariance, 1e-4, clampMin, clampMax);
        };
    }
}
