package org.sparkebm.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every energy model's dE/dx and dE/dθ against central finite differences (double precision). */
class EnergyModelGradientTest {

    private static GaussianMixtureEnergy gmm(boolean[] frozen) {
        GaussianMixtureEnergy m = new GaussianMixtureEnergy(3, 4, frozen, DataType.DOUBLE);
        m.setParams(GradientCheck.randomInput(1, 15, 1.0, 3).reshape(-1));
        return m;
    }

    @Test
    void gaussianMixtureGradients() {
        GaussianMixtureEnergy m = gmm(null);
        INDArray x = GradientCheck.randomInput(7, 4, 1.5, 1);
        GradientCheck.checkInputGradient(m, x, 1000, 11);
        GradientCheck.checkParamGradient(m, x, 1000, 12);
    }

    @Test
    void gaussianMixtureEnergyMatchesClosedForm() {
        GaussianMixtureEnergy m = gmm(null);
        INDArray x = GradientCheck.randomInput(5, 4, 1.0, 2);
        double[][] a = m.meanVectors();
        double[] z = m.params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(12, 15)).toDoubleVector();
        INDArray e = m.energy(x);
        for (int i = 0; i < 5; i++) {
            double s = 0;
            for (int k = 0; k < 3; k++) {
                double d2 = 0;
                for (int j = 0; j < 4; j++) {
                    double diff = x.getDouble(i, j) - a[k][j];
                    d2 += diff * diff;
                }
                s += Math.exp(-d2 / 2 - z[k]);
            }
            assertEquals(-Math.log(s), e.getDouble(i), 1e-10);
        }
    }

    @Test
    void frozenParametersGetZeroGradient() {
        boolean[] frozen = new boolean[15];
        frozen[12] = true; // z_1
        frozen[0] = true;  // a_1,1
        GaussianMixtureEnergy m = gmm(frozen);
        INDArray x = GradientCheck.randomInput(6, 4, 1.0, 4);
        INDArray g = m.paramGradient(x, e -> Nd4j.ones(DataType.DOUBLE, 6)).gradient();
        assertEquals(0.0, g.getDouble(12));
        assertEquals(0.0, g.getDouble(0));
        assertNotZero(g.getDouble(13));
    }

    private static void assertNotZero(double v) {
        org.junit.jupiter.api.Assertions.assertNotEquals(0.0, v);
    }

    @Test
    void mlpGradients() {
        MlpEnergy m = new MlpEnergy(new int[] {5}, new int[] {8, 6}, Activation.SILU, DataType.DOUBLE)
                .initialise(new SplittableRandom(5));
        INDArray x = GradientCheck.randomInput(4, 5, 1.0, 6);
        GradientCheck.checkInputGradient(m, x, 1000, 13);
        GradientCheck.checkParamGradient(m, x, 1000, 14);
    }

    @Test
    void convGradients() {
        ConvEnergy m = new ConvEnergy(new int[] {2, 8, 8}, List.of(new ConvEnergy.ConvLayer(3, 3, 1, 1),
                new ConvEnergy.ConvLayer(4, 4, 2, 1)), DataType.DOUBLE).initialise(new SplittableRandom(7));
        INDArray x = GradientCheck.randomInput(3, 128, 1.0, 8);
        GradientCheck.checkInputGradient(m, x, 120, 15);
        GradientCheck.checkParamGradient(m, x, 400, 16);
    }

    @Test
    void w2ConvNetIsExpressibleWith101889Parameters() {
        ConvEnergy m = new ConvEnergy(new int[] {1, 28, 28}, List.of(new ConvEnergy.ConvLayer(32, 3, 1, 1),
                new ConvEnergy.ConvLayer(64, 4, 2, 1), new ConvEnergy.ConvLayer(64, 4, 2, 1)), DataType.DOUBLE)
                .initialise(new SplittableRandom(9));
        assertEquals(101_889, m.numParams());
        INDArray x = GradientCheck.randomInput(2, 784, 0.5, 10);
        GradientCheck.checkInputGradient(m, x, 40, 17);
        GradientCheck.checkParamGradient(m, x, 60, 18);
    }

    @Test
    void convRejectsLayersThatDoNotTile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConvEnergy(
                new int[] {1, 28, 28}, List.of(new ConvEnergy.ConvLayer(4, 4, 3, 1)), DataType.FLOAT));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("divisible by the stride"), e.getMessage());
    }

    @Test
    void gaussianBaseGradients() {
        GaussianBaseEnergy m = new GaussianBaseEnergy(new MlpEnergy(new int[] {5}, new int[] {6}, Activation.SILU,
                DataType.DOUBLE).initialise(new SplittableRandom(21)), 0.7);
        INDArray x = GradientCheck.randomInput(4, 5, 1.0, 22);
        GradientCheck.checkInputGradient(m, x, 1000, 23);
        GradientCheck.checkParamGradient(m, x, 1000, 24);
        // with f ≡ 0 the energy is exactly |x|²/(2s²)
        MlpEnergy zero = new MlpEnergy(new int[] {5}, new int[] {6}, Activation.SILU, DataType.DOUBLE)
                .initialise(new SplittableRandom(1)).zeroOutputLayer();
        INDArray e = new GaussianBaseEnergy(zero, 0.7).energy(x);
        for (int i = 0; i < 4; i++) {
            double sq = x.getRow(i).mul(x.getRow(i)).sumNumber().doubleValue();
            assertEquals(sq / (2 * 0.49), e.getDouble(i), 1e-12);
        }
    }

    @Test
    void copyHasSameParamsAndIndependentState() {
        MlpEnergy m = new MlpEnergy(new int[] {3}, new int[] {4}, Activation.TANH, DataType.DOUBLE)
                .initialise(new SplittableRandom(1));
        MlpEnergy c = m.copy();
        assertArrayEquals(m.params().toDoubleVector(), c.params().toDoubleVector());
        c.setParams(c.params().addi(1.0));
        org.junit.jupiter.api.Assertions.assertNotEquals(m.params().getDouble(0), c.params().getDouble(0));
    }
}
