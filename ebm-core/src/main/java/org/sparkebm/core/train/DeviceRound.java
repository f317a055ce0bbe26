package org.sparkebm.core.train;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.config.Method;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.sampling.ChainInit;
import org.sparkebm.core.sampling.ReplayBuffer;
import org.sparkebm.core.util.NdArrays;

/**
 * The thin function a device runs per round, identical under Spark and in a local fold: build the model for
 * the broadcast θ, then {@link DeviceUpdate#run}. A device outside D^t passes its state through unchanged.
 */
public final class DeviceRound {
    private DeviceRound() {}

    /** The device's initial state (chains drawn from its initialiser, fitted to its own shard). */
    public static DeviceState init(RunConfig cfg, Shard shard, long numParams, int partition) {
        var sampler = cfg.step().sampler();
        var init = cfg.chains().build(shard, sampler.clampMin(), sampler.clampMax(),
                cfg.chains().init() == ChainInit.MODEL ? cfg.initialModel(shard.sampleShape()) : null, cfg.model().basePath());
        DeviceState s = DeviceUpdate.initialState(cfg.step(), cfg.chains().buffer(), init, shard, numParams, cfg.seed(), partition);
        if (cfg.chains().storage() != ReplayBuffer.Storage.FP32) {
            s = new DeviceState(s.init(), s.buffer().withStorage(cfg.chains().storage(), sampler.clampMin(),
                    sampler.clampMax()), s.residual(), s.rounds(), s.jarzynski());
        }
        if (cfg.method() == Method.JARZYNSKI) {
            s = new DeviceState(s.init(), s.buffer(), s.residual(), 0, JarzynskiState.fresh(
                    s.buffer().size(), s.buffer().dim(), numParams, cfg.step().errorFeedback()));
        }
        return s;
    }

    /**
     * @param theta   θ_t, read only
     * @param active  whether this device is in D^t
     */
    public static DeviceResult run(RunConfig cfg, float[] theta, Shard shard, DeviceState state, int round,
                                   int partition, boolean active) {
        return run(cfg, theta, shard, state, round, partition, active, false);
    }

    /**
     * @param resample Jarzynski: resample the walkers before the gradient (the driver's decision)
     */
    public static DeviceResult run(RunConfig cfg, float[] theta, Shard shard, DeviceState state, int round,
                                   int partition, boolean active, boolean resample) {
        if (!active) {
            return new DeviceResult(state, null, null);
        }
        EnergyModel model = cfg.model().create(shard.sampleShape(), DataType.FLOAT);
        model.setParams(NdArrays.of(theta, theta.length));
        try {
            if (cfg.method() == Method.JARZYNSKI) {
                return JarzynskiStep.run(model, cfg.step(), shard, state, cfg.seed(), round, partition, resample);
            }
            return DeviceUpdate.run(model, cfg.step(), shard, state, cfg.seed(), round, partition);
        } finally {
            model.release();
        }
    }

    /** Whether {@code partition} is in the sorted participant list. */
    public static boolean isActive(int[] participants, int partition) {
        return Arrays.binarySearch(participants, partition) >= 0;
    }
}
