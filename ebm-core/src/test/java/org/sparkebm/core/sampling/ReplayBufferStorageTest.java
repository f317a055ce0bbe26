package org.sparkebm.core.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.train.DeviceResult;
import org.sparkebm.core.train.DeviceRound;
import org.sparkebm.core.train.ParameterServer;

class ReplayBufferStorageTest {
    static ReplayBuffer random(int size, int dim, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[size * dim];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return ReplayBuffer.of(size, dim, v);
    }

    @Test
    void compactStorageRoundsWithinItsBoundAndSavesMemory() {
        ReplayBuffer f = random(100, 784, 1);
        ReplayBuffer b = f.withStorage(ReplayBuffer.Storage.BF16, 0, 0);
        ReplayBuffer u = f.withStorage(ReplayBuffer.Storage.U8, -1, 1);
        assertEquals(4L * 100 * 784, f.memoryBytes());
        assertEquals(2L * 100 * 784, b.memoryBytes());
        assertEquals(100L * 784, u.memoryBytes());
        float[] x = f.samples();
        float[] xb = b.samples();
        float[] xu = u.samples();
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], xb[i], Math.abs(x[i]) * Math.pow(2, -8) + 1e-30, "bf16 relative error ≤ 2^-8");
            assertEquals(x[i], xu[i], 2.0 / 510 + 1e-6, "u8 error ≤ (hi − lo)/510");
        }
        // a decoded value is stored exactly: encoding is idempotent
        assertArrayEquals(xu, u.withStorage(ReplayBuffer.Storage.U8, -1, 1).samples(), 0f);
        assertArrayEquals(xb, b.withStorage(ReplayBuffer.Storage.BF16, 0, 0).samples(), 0f);
        // slot writes and reads go through the same rounding; copies are independent
        ReplayBuffer c = u.copy();
        float[] row = new float[784];
        java.util.Arrays.fill(row, 0.5f);
        c.write(new int[] {3}, row);
        float[] back = new float[784];
        c.read(new int[] {3}, back);
        assertEquals(0.5f, back[0], 2.0 / 510);
        u.read(new int[] {3}, back);
        assertEquals(xu[3 * 784], back[0], 0f, "the original is untouched");
        // values outside the range are clamped, and the bf16 rounding is to nearest even
        assertEquals(1f, Float.intBitsToFloat(ReplayBuffer.toBf16(Math.nextUp(1f)) << 16), 0f);
        assertThrows(IllegalArgumentException.class, () -> f.withStorage(ReplayBuffer.Storage.U8,
                Double.NEGATIVE_INFINITY, 1));
    }

    static RunConfig cfg(String... extra) {
        return org.sparkebm.core.config.TestConfigs.of(Map.of("run.name", "s", "data.source", "gmm",
                "data.rows", "200", "model.hidden", "8", "train.batch", "16", "train.chains", "16",
                "chains.buffer", "64", "sampler.steps", "3", "sampler.clampMin", "-4", "sampler.clampMax", "4"), extra);
    }

    @Test
    void devicesTrainWithCompactChainsAndStayClose() {
        RunConfig fp = cfg();
        Shard shard = fp.data().generate(fp.seed()).shard(0, 4);
        float[] theta = new ParameterServer(fp, fp.initialModel(new int[] {2})).theta();
        DeviceResult a = DeviceRound.run(fp, theta, shard, DeviceRound.init(fp, shard, theta.length, 0), 0, 0, true);
        for (String st : new String[] {"bf16", "u8"}) {
            RunConfig c = cfg("chains.storage=" + st);
            var s0 = DeviceRound.init(c, shard, theta.length, 0);
            assertEquals(st.equals("bf16") ? 2L * 64 * 2 : 64L * 2, s0.buffer().memoryBytes());
            DeviceResult r = DeviceRound.run(c, theta, shard, s0, 0, 0, true);
            assertEquals(s0.buffer().storage(), r.state().buffer().storage(), "the next state keeps the storage");
            // the same chains up to rounding: the negatives' mean energy barely moves
            assertEquals(a.metrics().energyNeg(), r.metrics().energyNeg(), 0.05 * (1 + Math.abs(a.metrics().energyNeg())), st);
        }
    }

    @Test
    void configRefusesUnsoundStorage() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> cfg("chains.storage=u8", "sampler.clampMin=-Infinity"));
        assertTrue(e.getMessage().contains("chains.storage"), e.getMessage());
        ConfigException j = assertThrows(ConfigException.class, () -> cfg("chains.storage=bf16",
                "train.method=jarzynski", "sampler.type=ula", "chains.reinit=0", "chains.buffer=16",
                "sampler.clampMin=-Infinity", "sampler.clampMax=Infinity"));
        assertTrue(j.getMessage().contains("chains.storage"), j.getMessage());
    }
}
