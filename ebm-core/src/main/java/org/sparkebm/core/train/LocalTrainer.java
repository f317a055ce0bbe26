package org.sparkebm.core.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.eval.Energies;
import org.sparkebm.core.model.EnergyModel;

/**
 * All devices folded in one JVM, in partition order: the reference the Spark job must equal bit for bit, and a
 * quick way to run small experiments without Spark.
 */
public final class LocalTrainer implements Trainer {
    private final RunConfig config;
    private final Shard data;
    private final Shard[] shards;
    private final DeviceState[] states;
    private final ParameterServer server;
    private final List<RoundSummary> history = new ArrayList<>();

    public LocalTrainer(RunConfig config, Shard data) {
        this.config = config;
        this.data = data;
        EnergyModel m0 = config.initialModel(data.sampleShape());
        this.server = new ParameterServer(config, m0);
        int p = config.devices();
        shards = new Shard[p];
        states = new DeviceState[p];
        for (int i = 0; i < p; i++) {
            shards[i] = data.shard(i, p);
            states[i] = DeviceRound.init(config, shards[i], m0.numParams(), i);
        }
    }

    @Override
    public void restore(DeviceStore store, List<RoundSummary> history) throws IOException {
        List<DeviceState> read = new ArrayList<>();
        for (int p = 0; p < states.length; p++) {
            read.add(store.read(p));
        }
        restore(read, history);
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

    @Override
    public List<String[]> saveStates(DeviceStore store) throws IOException {
        List<String[]> parts = new ArrayList<>();
        for (int p = 0; p < states.length; p++) {
            parts.add(store.write(p, states[p]));
        }
        return parts;
    }

    @Override
    public double[] dataEnergies(float[] theta) {
        EnergyModel m = config.model().create(data.sampleShape(), DataType.FLOAT);
        m.setParams(Nd4j.createFromArray(theta));
        double[] e = Energies.of(m, data.values(), data.rows(), 512);
        m.release();
        return e;
    }

    @Override
    public void close() {
        // nothing held outside the heap
    }

    @Override
    public List<DeviceState> states() {
        return Arrays.asList(states.clone());
    }

    @Override
    public List<RoundSummary> history() {
        return history;
    }

    @Override
    public RoundSummary runRound() {
        int t = server.round();
        int[] active = ParameterServer.participants(config, t);
        float[] theta = server.theta();
        boolean resample = server.resampleNext();
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
        RoundSummary s = server.finish(agg);
        history.add(s);
        return s;
    }

    @Override
    public ParameterServer server() {
        return server;
    }

    public DeviceState state(int p) {
        return states[p];
    }
}
