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

/** The driver's optimiser is ND4J's and carries its state. */
class Nd4jOptimiserTest {
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
}
