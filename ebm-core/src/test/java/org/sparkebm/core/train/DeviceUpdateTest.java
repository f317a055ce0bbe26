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
import org.sparkebm.core.data.Shard;

/** A device round: a pure function of its inputs and seeds, with the error-feedback residual in its state. */
class DeviceUpdateTest {
    static RunConfig small(String... extra) {
        return org.sparkebm.core.config.TestConfigs.of(Map.of("run.name", "t", "data.source", "gmm",
                "data.rows", "200", "model.hidden", "8", "train.batch", "16", "train.chains", "16",
                "chains.buffer", "40", "sampler.steps", "3", "compress.type", "topk", "compress.density", "0.2"), extra);
    }

    @Test
    void deviceStepIsAPureFunctionAndDoesNotWriteItsInputState() {
        RunConfig cfg = small();
        Shard shard = cfg.data().generate(cfg.seed()).shard(1, 4);
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
    void errorFeedbackResidualTravelsWithTheState() {
        RunConfig cfg = small();
        org.junit.jupiter.api.Assertions.assertTrue(cfg.step().compressor() instanceof TopK);
        Shard sh = cfg.data().generate(cfg.seed()).shard(0, 4);
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
