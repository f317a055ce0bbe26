package org.sparkebm.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.sparkebm.core.compress.TopK;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.config.Settings;
import org.sparkebm.core.data.Dataset;

class TrainingMathTest {
    static RunConfig small(String... extra) {
        return org.sparkebm.core.config.TestConfigs.of(Map.of("run.name", "t", "data.source", "gmm",
                "data.rows", "200", "model.hidden", "8", "train.batch", "16", "train.chains", "16",
                "chains.buffer", "40", "sampler.steps", "3", "compress.type", "topk", "compress.density", "0.2"), extra);
    }

    @Test
    void contrastiveCoefficientsMatchTheLoss() {
        INDArray e = Nd4j.createFromArray(0.5, -1.0, 2.0, 0.25, 1.5);
        INDArray w = Nd4j.createFromArray(0.2, 0.3, 0.5);
        double a = 0.7;
        INDArray c = ContrastiveLoss.coefficients(e, 2, w, a);
        // dL/dE_j by finite differences on the loss value
        for (int j = 0; j < 5; j++) {
            INDArray up = e.dup();
            up.putScalar(j, e.getDouble(j) + 1e-6);
            INDArray dn = e.dup();
            dn.putScalar(j, e.getDouble(j) - 1e-6);
            double fd = (ContrastiveLoss.value(up, 2, w, a) - ContrastiveLoss.value(dn, 2, w, a)) / 2e-6;
            assertEquals(fd, c.getDouble(j), 1e-6, "coefficient " + j);
        }
        assertEquals((1 + 2 * a * 0.5) / 2, c.getDouble(0), 1e-12);
        assertEquals(0.2 * (-1 + 2 * a * 2.0), c.getDouble(2), 1e-12);
    }

    @Test
    void deviceStepIsAPureFunctionAndDoesNotWriteItsInputState() {
        RunConfig cfg = small();
        Dataset shard = cfg.data().generate(cfg.seed()).shard(1, 4);
        DeviceState s0 = DeviceRound.init(cfg, shard, 33, 1);
        float[] before = s0.buffer().samples().clone();
        float[] theta = new ParameterServer(cfg, cfg.initialModel(new int[] {2})).theta();
        DeviceResult a = DeviceRound.run(cfg, theta, shard, s0, 3, 1, true);
        DeviceResult b = DeviceRound.run(cfg, theta, shard, s0, 3, 1, true);
        assertArrayEquals(a.delta(), b.delta());
        assertArrayEquals(a.state().buffer().samples(), b.state().buffer().samples(), 0f);
        assertArrayEquals(before, s0.buffer().samples(), 0f, "the input state must not be written");
        DeviceResult other = DeviceRound.run(cfg, theta, shard, s0, 4, 1, true);
        org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(a.delta(), other.delta()));
        DeviceResult idle = DeviceRound.run(cfg, theta, shard, s0, 3, 1, false);
        assertEquals(s0, idle.state());
        assertEquals(null, idle.delta());
    }

    @Test
    void aggregatorIsOrderIndependentAndNeverMutatesItsArguments() {
        RunConfig cfg = small();
        Dataset data = cfg.data().generate(cfg.seed());
        float[] theta = new ParameterServer(cfg, cfg.initialModel(new int[] {2})).theta();
        DeviceResult[] r = new DeviceResult[4];
        for (int p = 0; p < 4; p++) {
            Dataset sh = data.shard(p, 4);
            r[p] = DeviceRound.run(cfg, theta, sh, DeviceRound.init(cfg, sh, theta.length, p), 0, p, true);
        }
        DeltaAggregator zero = new DeltaAggregator();
        DeltaAggregator left = zero.add(r[0]).add(r[1]);
        DeltaAggregator right = zero.add(r[3]).add(r[2]);
        DeltaAggregator ab = left.merge(right);
        DeltaAggregator ba = right.merge(left);
        assertArrayEquals(ab.mean(theta.length), ba.mean(theta.length), 0f);
        assertEquals(2, left.devices(), "merge must not mutate its receiver");
        assertEquals(2, right.devices(), "merge must not mutate its argument");
        assertEquals(0, zero.devices());
        assertThrows(IllegalStateException.class, () -> zero.mean(theta.length), "an empty aggregate refuses to answer");
        assertThrows(IllegalStateException.class, () -> left.merge(left));
        assertEquals(List.of(0, 1, 2, 3), ab.deviceIds());
        // the mean is the average of the decoded updates
        float[] expect = new float[theta.length];
        for (DeviceResult x : r) {
            org.sparkebm.core.compress.Compressed.decode(x.delta()).addTo(expect, 0.25f);
        }
        assertArrayEquals(expect, ab.mean(theta.length), 1e-6f);
    }

    static byte[] javaSerialise(Object o) throws java.io.IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }

    @Test
    void aggregatorSerialisesCompactlyAndExactly() throws Exception {
        DeviceMetrics m = new DeviceMetrics(3, 1.5, -2.25, 0.125, 4.0, 570, 2, 0.75);
        DeltaAggregator one = new DeltaAggregator().add(new DeviceResult(null, new byte[570], m));
        byte[] bytes = javaSerialise(one);
        // ~115 bytes of stream header and proxy class descriptor, then 4 + 4 + 4 + 56 + 1 per device
        assertTrue(bytes.length <= 570 + 69 + 120, "serialised " + bytes.length + " bytes for a 570-byte message");
        DeltaAggregator back;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes))) {
            back = (DeltaAggregator) in.readObject();
        }
        assertEquals(List.of(m), back.metrics());
        assertEquals(570, back.encodedBytes());
        // a Jarzynski aggregate keeps its model parts and weight sums bit for bit
        RunConfig cfg = small();
        Dataset data = cfg.data().generate(cfg.seed());
        float[] theta = new ParameterServer(cfg, cfg.initialModel(new int[] {2})).theta();
        DeltaAggregator agg = new DeltaAggregator();
        for (int p = 0; p < 2; p++) {
            Dataset sh = data.shard(p, 2);
            agg = agg.add(DeviceRound.run(cfg, theta, sh, DeviceRound.init(cfg, sh, theta.length, p), 0, p, true));
        }
        DeltaAggregator j = agg.merge(new DeltaAggregator().add(new DeviceResult(null, new byte[] {1, 2}, m,
                new byte[] {3}, new WeightStats(-1.5, -2.5, 10, 7, 3.25))));
        DeltaAggregator jb;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(javaSerialise(j)))) {
            jb = (DeltaAggregator) in.readObject();
        }
        assertEquals(j.deviceIds(), jb.deviceIds());
        assertEquals(j.metrics(), jb.metrics());
        assertEquals(j.encodedBytes(), jb.encodedBytes());
        assertArrayEquals(agg.mean(theta.length), javaRoundTrip(agg).mean(theta.length), 0f);
    }

    private static DeltaAggregator javaRoundTrip(DeltaAggregator a) throws Exception {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(javaSerialise(a)))) {
            return (DeltaAggregator) in.readObject();
        }
    }

    @Test
    void optimiserIsNd4jsAdamAndCarriesItsState() {
        Nd4jOptimiser o = new Nd4jOptimiser(new Adam(0.1), 3, null);
        INDArray theta = Nd4j.createFromArray(1f, 2f, 3f);
        o.step(theta, Nd4j.createFromArray(1f, -1f, 0f), 0);
        // Adam's first step moves each coordinate by lr·sign(g) (bias-corrected m/√v = ±1)
        assertArrayEquals(new float[] {0.9f, 2.1f, 3f}, theta.toFloatVector(), 1e-5f);
        Nd4jOptimiser copy = o.copy();
        copy.setState(o.state());
        INDArray t1 = theta.dup();
        INDArray t2 = theta.dup();
        o.step(t1, Nd4j.createFromArray(0.5f, 0.5f, 0.5f), 1);
        copy.step(t2, Nd4j.createFromArray(0.5f, 0.5f, 0.5f), 1);
        assertEquals(t1, t2, "restored state must continue identically");
    }

    @Test
    void participantsAreSeededAndSized() {
        RunConfig cfg = small("devices.count=10", "devices.fraction=0.3");
        int[] a = ParameterServer.participants(cfg, 5);
        assertEquals(3, a.length);
        assertArrayEquals(a, ParameterServer.participants(cfg, 5));
        for (int i = 1; i < a.length; i++) {
            org.junit.jupiter.api.Assertions.assertTrue(a[i] > a[i - 1]);
        }
    }

    @Test
    void errorFeedbackResidualTravelsWithTheState() {
        RunConfig cfg = small();
        org.junit.jupiter.api.Assertions.assertTrue(cfg.step().compressor() instanceof TopK);
        Dataset sh = cfg.data().generate(cfg.seed()).shard(0, 4);
        float[] theta = new ParameterServer(cfg, cfg.initialModel(new int[] {2})).theta();
        DeviceState s0 = DeviceRound.init(cfg, sh, theta.length, 0);
        DeviceResult r = DeviceRound.run(cfg, theta, sh, s0, 0, 0, true);
        float[] res = r.state().residual();
        double norm = 0;
        for (float f : res) {
            norm += f * f;
        }
        org.junit.jupiter.api.Assertions.assertTrue(norm > 0, "top-k 20% leaves a non-zero residual");
        assertArrayEquals(new float[theta.length], s0.residual(), 0f, "the old residual is not written");
    }
}
