package org.sparkebm.core.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.compress.BlockSign;
import org.sparkebm.core.compress.Identity;
import org.sparkebm.core.model.GaussianMixtureEnergy;

/**
 * EFF-EBM (Algorithm 1 of an earlier version of the anonymous draft "Memory Efficient EBM Training", 2021): the
 * Langevin input gradient of each chain passes through C. */
class EffEbmLangevinTest {
    private static GaussianMixtureEnergy gaussian() {
        GaussianMixtureEnergy m = new GaussianMixtureEnergy(1, 4, null, DataType.FLOAT);
        m.setParams(Nd4j.createFromArray(1f, -2f, 3f, 0.5f, 0f));
        return m;
    }

    @Test
    void identityCompressorChangesNothing() {
        int[] ids = {0, 1, 2};
        INDArray a = Nd4j.rand(DataType.FLOAT, 3, 4);
        INDArray b = a.dup();
        LangevinSampler.ula(0.05).run(gaussian(), a, 5, new ChainNoise(1, 0, 0, ids, 4, DataType.FLOAT));
        LangevinSampler.ula(0.05).withCompressor(new Identity()).run(gaussian(), b, 5, new ChainNoise(1, 0, 0, ids, 4, DataType.FLOAT));
        assertEquals(a, b);
    }

    @Test
    void blockSignIsAppliedPerChain() {
        // one noiseless step from x = 0 on N(a, I): ∇E = x − a = −a, so the step is −α·C(−a) = α·C(a) per row
        INDArray x = Nd4j.zeros(DataType.FLOAT, 2, 4);
        new LangevinSampler(0.5, 0, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, new BlockSign(2))
                .run(gaussian(), x, 1, new ChainNoise(1, 0, 0, new int[] {0, 1}, 4, DataType.FLOAT));
        // a = (1, −2 | 3, 0.5): blocks of 2 → scales 1.5 and 1.75, signs (+, −, +, +)
        float[] expect = {0.75f, -0.75f, 0.875f, 0.875f};
        assertArrayEquals(expect, x.getRow(0).toFloatVector(), 1e-6f);
        assertArrayEquals(expect, x.getRow(1).toFloatVector(), 1e-6f);
        assertEquals(2, Arrays.stream(x.shape()).filter(s -> s > 0).count());
    }
}
