package org.sparkebm.spark;

import java.io.IOException;
import java.util.List;
import org.sparkebm.core.train.DeviceState;
import org.sparkebm.core.train.LocalTrainer;
import org.sparkebm.core.train.RoundDriver;
import org.sparkebm.core.train.RoundSummary;

/** What the job's loop needs from a training engine: Spark partitions, or devices folded in this JVM. */
interface Engine {
    /** Runs one round. */
    RoundSummary step();

    RoundDriver driver();

    List<RoundSummary> history();

    /** Writes every device's state into the checkpoint directory; returns manifest entries {name, size, crc}. */
    List<String[]> writeStates(String dir) throws IOException;

    /** Replaces device states (from a checkpoint directory) and the history. */
    void restore(String dir, List<RoundSummary> history) throws IOException;

    /** The current device states (for sample pictures). */
    List<DeviceState> states();

    /** Energies under {@code theta} of every training row. */
    double[] dataEnergies(float[] theta);

    /** Spark. */
    static Engine of(SparkTrainer t) {
        return new Engine() {
            @Override
            public RoundSummary step() {
                RoundSummary[] out = new RoundSummary[1];
                t.run(1, s -> out[0] = s);
                return out[0];
            }

            @Override
            public RoundDriver driver() {
                return t.driver();
            }

            @Override
            public List<RoundSummary> history() {
                return t.history();
            }

            @Override
            public List<String[]> writeStates(String dir) {
                return t.writeStates(dir);
            }

            @Override
            public void restore(String dir, List<RoundSummary> history) {
                t.restore(dir, history);
            }

            @Override
            public List<DeviceState> states() {
                return t.collectStates();
            }

            @Override
            public double[] dataEnergies(float[] theta) {
                return t.dataEnergies(theta);
            }
        };
    }

    /** In this JVM; {@code data} is every training row. */
    static Engine of(LocalTrainer t, org.sparkebm.core.config.RunConfig cfg, org.sparkebm.core.data.Dataset data) {
        int devices = cfg.devices();
        return new Engine() {
            @Override
            public RoundSummary step() {
                List<RoundSummary> h = t.run(1);
                return h.get(h.size() - 1);
            }

            @Override
            public RoundDriver driver() {
                return t.driver();
            }

            @Override
            public List<RoundSummary> history() {
                return t.history();
            }

            @Override
            public List<String[]> writeStates(String dir) throws IOException {
                List<String[]> parts = new java.util.ArrayList<>();
                List<DeviceState> st = t.states();
                for (int p = 0; p < st.size(); p++) {
                    parts.add(CheckpointStore.writeDevice(dir, p, st.get(p)));
                }
                return parts;
            }

            @Override
            public void restore(String dir, List<RoundSummary> history) throws IOException {
                t.restore(CheckpointStore.readDevices(dir, devices), history);
            }

            @Override
            public List<DeviceState> states() {
                return t.states();
            }

            @Override
            public double[] dataEnergies(float[] theta) {
                org.sparkebm.core.model.EnergyModel m = cfg.model().create(data.sampleShape(),
                        org.nd4j.linalg.api.buffer.DataType.FLOAT);
                m.setParams(org.nd4j.linalg.factory.Nd4j.createFromArray(theta));
                double[] e = org.sparkebm.core.eval.Energies.of(m, data.values(), data.rows(), 512);
                m.release();
                return e;
            }
        };
    }
}
