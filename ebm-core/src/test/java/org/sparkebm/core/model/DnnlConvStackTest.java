package org.sparkebm.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fp32 conv energy on oneDNN ({@link DnnlConvStack}) computes what the fp64 one on libnd4j's ops does (which
 * {@code EnergyModelGradientTest} checks against finite differences): energies, input gradients and parameter
 * gradients, on the W2 net and on one whose channel counts are not multiples of oneDNN's block of 8.
 */
class DnnlConvStackTest {

    @Test
    void theBuildRunsOneDnnDirectly() {
        assertEquals("oneDNN", ConvEnergy.backend());
    }

    @Test
    void w2NetMatchesTheFp64Reference() {
        List<ConvEnergy.ConvLayer> w2 = List.of(new ConvEnergy.ConvLayer(32, 3, 1, 1),
                new ConvEnergy.ConvLayer(64, 4, 2, 1), new ConvEnergy.ConvLayer(64, 4, 2, 1));
        compare(new int[] {1, 28, 28}, w2, 6, 11);
    }

    @Test
    void oddChannelCountsMatchTheFp64Reference() {
        List<ConvEnergy.ConvLayer> odd = List.of(new ConvEnergy.ConvLayer(3, 3, 1, 1),
                new ConvEnergy.ConvLayer(5, 4, 2, 1), new ConvEnergy.ConvLayer(9, 3, 1, 0));
        compare(new int[] {2, 10, 10}, odd, 7, 12);
    }

    private static void compare(int[] shape, List<ConvEnergy.ConvLayer> layers, int n, long seed) {
        ConvEnergy ref = new ConvEnergy(shape, layers, DataType.DOUBLE).initialise(new SplittableRandom(seed));
        ConvEnergy f32 = new ConvEnergy(shape, layers, DataType.FLOAT);
        f32.setParams(ref.params().castTo(DataType.FLOAT));
        int d = shape[0] * shape[1] * shape[2];
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (int batch : new int[] {n, n + 3, n}) { // two batch sizes, the first one again from the kept stack
            double[] xs = new double[batch * d];
            for (int k = 0; k < xs.length; k++) {
                xs[k] = rng.nextDouble(-1, 1);
            }
            INDArray xd = Nd4j.create(xs, new long[] {batch, d}, DataType.DOUBLE);
            INDArray xf = xd.castTo(DataType.FLOAT);
            close(ref.energy(xd), f32.energy(xf), 2e-5, "energy");
            INDArray gd = Nd4j.create(DataType.DOUBLE, batch, d);
            INDArray gf = Nd4j.create(DataType.FLOAT, batch, d);
            close(ref.energyAndInputGradient(xd, gd), f32.energyAndInputGradient(xf, gf), 2e-5, "energy");
            close(gd, gf, 2e-5, "dE/dx");
            double[] cs = new double[batch];
            for (int r = 0; r < batch; r++) {
                cs[r] = rng.nextDouble(-1, 1);
            }
            INDArray cd = Nd4j.create(cs, new long[] {batch}, DataType.DOUBLE);
            EnergyModel.ParamGradient pd = ref.paramGradient(xd, e -> cd);
            EnergyModel.ParamGradient pf = f32.paramGradient(xf, e -> cd.castTo(DataType.FLOAT));
            close(pd.energies(), pf.energies(), 2e-5, "energy");
            close(pd.gradient(), pf.gradient(), 2e-5, "dE/dθ");
        }
        // the same fp32 energy on libnd4j's ops agrees too
        ConvEnergy nd4j = f32.copy().withKernels(ConvEnergy.Kernels.LIBND4J);
        INDArray xs32 = Nd4j.rand(DataType.FLOAT, n, d);
        INDArray g1 = Nd4j.create(DataType.FLOAT, n, d);
        INDArray g2 = Nd4j.create(DataType.FLOAT, n, d);
        close(nd4j.energyAndInputGradient(xs32, g1), f32.energyAndInputGradient(xs32, g2), 2e-5, "energy (fp32 libnd4j)");
        close(g1, g2, 2e-5, "dE/dx (fp32 libnd4j)");
        // the input gradient into a view takes the copy path and gives the same numbers
        INDArray xf = Nd4j.rand(DataType.FLOAT, n, d);
        INDArray plain = Nd4j.create(DataType.FLOAT, n, d);
        f32.energyAndInputGradient(xf, plain);
        INDArray big = Nd4j.zeros(DataType.FLOAT, n, d + 4);
        INDArray view = big.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 2 + d));
        f32.energyAndInputGradient(xf, view);
        assertEquals(0, view.sub(plain).amaxNumber().doubleValue(), 0);
        f32.release();
        close(ref.energy(xf.castTo(DataType.DOUBLE)), f32.energy(xf), 2e-5, "energy after release");
        f32.release();
    }

    /** max |a − b| ≤ tol · max(1, max |a|). */
    private static void close(INDArray want, INDArray got, double tol, String what) {
        INDArray w = want.castTo(DataType.DOUBLE);
        INDArray g = got.castTo(DataType.DOUBLE);
        double scale = Math.max(1e-3, w.amaxNumber().doubleValue());
        double err = w.sub(g).amaxNumber().doubleValue();
        assertTrue(err <= tol * scale, what + ": max error " + err + " against scale " + scale);
        assertTrue(w.amaxNumber().doubleValue() > 0, what + " is not all zero");
    }
}
