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

/** The contrastive loss: its per-sample coefficients are its gradient. */
class ContrastiveLossTest {
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
}
