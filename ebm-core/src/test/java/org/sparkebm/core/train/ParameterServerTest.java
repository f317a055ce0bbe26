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

/** The server side: which devices take part in a round. */
class ParameterServerTest {
    static RunConfig small(String... extra) {
        return org.sparkebm.core.config.TestConfigs.of(Map.of("run.name", "t", "data.source", "gmm",
                "data.rows", "200", "model.hidden", "8", "train.batch", "16", "train.chains", "16",
                "chains.buffer", "40", "sampler.steps", "3", "compress.type", "topk", "compress.density", "0.2"), extra);
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
}
