package org.sparkebm.bench;

import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.model.ConvEnergy;

/**
 * Runs W2 Langevin steps (forward + input gradient, 64 images) with the given conv kernels and prints a marker line
 * before the measured ones, for {@code bench/onednn-verbose.sh}, which runs it with {@code ONEDNN_VERBOSE=1} and
 * sums oneDNN's own per-primitive times (convolutions against layout reorders).
 *   args: AUTO|LIBND4J [steps, default 20]
 */
public final class OneDnnSteps {
    private OneDnnSteps() {
    }

    public static void main(String[] args) {
        ConvEnergy.Kernels kernels = ConvEnergy.Kernels.valueOf(args[0]);
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        ConvEnergy net = new ConvEnergy(new int[] {1, 28, 28}, List.of(new ConvEnergy.ConvLayer(32, 3, 1, 1),
                new ConvEnergy.ConvLayer(64, 4, 2, 1), new ConvEnergy.ConvLayer(64, 4, 2, 1)), DataType.FLOAT)
                .initialise(new SplittableRandom(0)).withKernels(kernels);
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 784).muli(2).subi(1);
        INDArray grad = Nd4j.createUninitialized(DataType.FLOAT, 64, 784);
        for (int k = 0; k < 5; k++) { // warm-up: primitive creation, JIT
            net.energyAndInputGradient(x, grad);
        }
        System.out.println("sparkebm-measured-steps " + steps);
        long t0 = System.nanoTime();
        for (int k = 0; k < steps; k++) {
            net.energyAndInputGradient(x, grad);
        }
        System.out.printf("sparkebm-wall-ms-per-step %.2f%n", (System.nanoTime() - t0) / 1e6 / steps);
    }
}
