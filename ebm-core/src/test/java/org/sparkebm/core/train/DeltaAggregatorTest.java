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
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.Shard;

/** The aggregator of device results: order independent, immutable, compact and exact on the wire. */
class DeltaAggregatorTest {
    static RunConfig small(String... extra) {
        return org.sparkebm.core.config.TestConfigs.of(Map.of("run.name", "t", "data.source", "gmm",
                "data.rows", "200", "model.hidden", "8", "train.batch", "16", "train.chains", "16",
                "chains.buffer", "40", "sampler.steps", "3", "compress.type", "topk", "compress.density", "0.2"), extra);
    }

    @Test
    void aggregatorIsOrderIndependentAndNeverMutatesItsArguments() {
        RunConfig cfg = small();
        Shard data = cfg.data().generate(cfg.seed());
        float[] theta = new ParameterServer(cfg, cfg.initialModel(new int[] {2})).theta();
        DeviceResult[] r = new DeviceResult[4];
        for (int p = 0; p < 4; p++) {
            Shard sh = data.shard(p, 4);
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
        Shard data = cfg.data().generate(cfg.seed());
        float[] theta = new ParameterServer(cfg, cfg.initialModel(new int[] {2})).theta();
        DeltaAggregator agg = new DeltaAggregator();
        for (int p = 0; p < 2; p++) {
            Shard sh = data.shard(p, 2);
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

    static byte[] javaSerialise(Object o) throws java.io.IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }

    private static DeltaAggregator javaRoundTrip(DeltaAggregator a) throws Exception {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(javaSerialise(a)))) {
            return (DeltaAggregator) in.readObject();
        }
    }
}
