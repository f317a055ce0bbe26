package org.sparkebm.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The fused fp32 SiLU backward equals the ND4J expression, also on a reshaped scratch array, and skips t. */
class SiluBackwardTest {
    @Test
    void fusedFloatPathMatchesTheNd4jExpression() {
        Nd4j.getRandom().setSeed(3);
        INDArray z = Nd4j.rand(DataType.FLOAT, 6, 4, 5, 5).subi(0.5).muli(10);
        INDArray s = Transforms.sigmoid(z, true);
        INDArray a = z.mul(s);
        INDArray flat = Nd4j.rand(DataType.FLOAT, 6, 100);
        INDArray orig = flat.dup();
        INDArray dA = flat.reshape('c', 6, 4, 5, 5); // as ConvEnergy reshapes its scratch
        // reference in double precision: dA (s + a (1 − s))
        INDArray ref = dA.castTo(DataType.DOUBLE).mul(s.castTo(DataType.DOUBLE).rsub(1.0)
                .mul(a.castTo(DataType.DOUBLE)).add(s.castTo(DataType.DOUBLE)));
        INDArray t = Nd4j.valueArrayOf(z.shape(), Float.NaN, DataType.FLOAT);
        INDArray out = ConvEnergy.siluBackward(dA, s, a, t);
        assertTrue(out == dA, "in place");
        assertEquals(0, out.castTo(DataType.DOUBLE).sub(ref).amaxNumber().doubleValue(), 1e-6);
        assertTrue(Double.isNaN(t.getDouble(0)), "the fused path does not need the scratch t");
        // a view (not its whole buffer) takes the ND4J path and gives the same numbers
        INDArray big = Nd4j.rand(DataType.FLOAT, 12, 4, 5, 5);
        INDArray view = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6));
        view.assign(orig.reshape('c', 6, 4, 5, 5));
        INDArray t2 = Nd4j.createUninitialized(DataType.FLOAT, z.shape());
        assertEquals(0, ConvEnergy.siluBackward(view, s, a, t2).castTo(DataType.DOUBLE).sub(ref).amaxNumber()
                .doubleValue(), 1e-6);
    }
}
