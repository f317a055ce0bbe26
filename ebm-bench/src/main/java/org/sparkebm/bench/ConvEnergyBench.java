package org.sparkebm.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.sparkebm.core.model.ConvEnergy;

/**
 * The W2 energy net's kernels on one thread (earlier probes of the same step: 52.9 ms for libnd4j's ops on
 * oneDNN, 41.4 ms for PyTorch, per 64 images): one Langevin step's forward + input gradient at the chain batch, and
 * the parameter gradient at data + chains; with the conv layers on oneDNN directly (AUTO, the default) and on
 * libnd4j's ops (LIBND4J), side by side in one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConvEnergyBench {
    @Param({"64"})
    int batch;

    @Param({"AUTO", "LIBND4J"})
    ConvEnergy.Kernels kernels;

    ConvEnergy net;
    INDArray x;
    INDArray x2;
    INDArray grad;

    @Setup
    public void setup() {
        net = new ConvEnergy(new int[] {1, 28, 28}, List.of(new ConvEnergy.ConvLayer(32, 3, 1, 1),
                new ConvEnergy.ConvLayer(64, 4, 2, 1), new ConvEnergy.ConvLayer(64, 4, 2, 1)), DataType.FLOAT)
                .initialise(new SplittableRandom(0)).withKernels(kernels);
        x = Nd4j.rand(DataType.FLOAT, batch, 784).muli(2).subi(1);
        x2 = Nd4j.rand(DataType.FLOAT, 2 * batch, 784).muli(2).subi(1);
        grad = Nd4j.createUninitialized(DataType.FLOAT, batch, 784);
    }

    /** One Langevin step's model work: E(x) and ∇x E for the chain batch. */
    @Benchmark
    public INDArray langevinStep() {
        return net.energyAndInputGradient(x, grad);
    }

    /** The θ-gradient of the contrastive loss over data + chains (2 × batch rows). */
    @Benchmark
    public INDArray paramGradient() {
        return net.paramGradient(x2, e -> e.mul(1.0 / e.length())).gradient();
    }
}
