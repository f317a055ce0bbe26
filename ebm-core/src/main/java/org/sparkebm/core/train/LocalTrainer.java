package org.sparkebm.core.train;

import java.util.ArrayList;
import java.util.List;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.Dataset;
import org.sparkebm.core.model.EnergyModel;

/**
 * All devices folded in one JVM, in partition order: the reference the Spark job must equal bit for bit, and a
 * quick way to run small experiments without Spark.
 */
public final class LocalTrainer {
    private final RunConfig config;
    private final Dataset[] shards;
    private final DeviceState[] states;
    private final RoundDriver driver;
    private final List<RoundSummary> history = new ArrayList<>();

    public LocalTrainer(RunConfig config, Dataset data) {
        this.config = config;
        EnergyModel m0 = config.initialModel(data.sampleShape());
        this.driver = new RoundDriver(config, m0);
        int p = config.devices();
        shards = new Dataset[p];
        states = new DeviceState[p];
        for (int i = 0; i < p; i++) {
            shards[i] = data.shard(i, p);
            states[i] = DeviceRound.init(config, shards[i], m0.numParams(), i);
        }
    }

    /** Replaces the device states and history (resume or rollback). {@code states} is read. */
    public void restore(List<DeviceState> states, List<RoundSummary> history) {
        if (states.size() != this.states.length) {
            throw new IllegalArgumentException(states.size() + " device states for " + this.states.length + " devices");
        }
        for (int p = 0; p < this.states.length; p++) {
            this.states[p] = states.get(p);
        }
        this.history.clear();
        this.history.addAll(history);
    }

    /** All device states, in partition order. */
    public List<DeviceState> states() {
        return java.util.Arrays.asList(states.clone());
    }

    public List<RoundSummary> history() {
        return history;
    }

    /** Runs {@code rounds} rounds and returns their summaries. */
    public List<RoundSummary> run(int rounds) {
        for (int r = 0; r < rounds; r++) {
            int t = driver.round();
            int[] active = RoundDriver.participants(config, t);
            float[] theta = driver.theta();
            boolean resample = driver.resampleNext();
            if (resample && config.jarzynski().global()) {
                DeviceState[] next = GlobalResampling.resampleAll(states, config.seed(), t);
                System.arraycopy(next, 0, states, 0, next.length);
                resample = false;
            }
            DeltaAggregator agg = new DeltaAggregator();
            for (int p = 0; p < shards.length; p++) {
                DeviceResult res = DeviceRound.run(config, theta, shards[p], states[p], t, p,
                        DeviceRound.isActive(active, p), resample);
                states[p] = res.state();
                agg = agg.add(res);
            }
            history.add(driver.finish(agg));
        }
        return history;
    }

    public RoundDriver driver() {
        return driver;
    }

    public DeviceState state(int p) {
        return states[p];
    }
}
