package org.sparkebm.bench;

import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.sparkebm.core.model.ConvEnergy;

/**
 * Where the W2 step's elementwise time goes (W2 throughput): each benchmark runs one op over the activations of
 * all three conv layers of a 64-image Langevin step (64×32×28×28 + 64×64×14×14 + 64×64×7×7 ≈ 2.6 M floats), as
 * {@code ConvEnergy} does once per step: the SiLU forward (libnd4j sigmoid, then a multiply) and backward (five
 * ND4J passes), against a single fused Java pass over the same off-heap buffers, and libnd4j's other
 * transcendental ops for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ElementwiseBench {
    private static final long[][] SHAPES = {{64, 32, 28, 28}, {64, 64, 14, 14}, {64, 64, 7, 7}};
    INDArray[] z = new INDArray[3];
    INDArray[] s = new INDArray[3];
    INDArray[] a = new INDArray[3];
    INDArray[] t = new INDArray[3];
    INDArray[] dA = new INDArray[3];
    INDArray[] out = new INDArray[3];

    @Setup
    public void setup() {
        Nd4j.getRandom().setSeed(0);
        for (int l = 0; l < 3; l++) {
            z[l] = Nd4j.rand(DataType.FLOAT, SHAPES[l]).subi(0.5).muli(8);
            s[l] = Nd4j.createUninitialized(DataType.FLOAT, SHAPES[l]);
            a[l] = Nd4j.createUninitialized(DataType.FLOAT, SHAPES[l]);
            t[l] = Nd4j.createUninitialized(DataType.FLOAT, SHAPES[l]);
            out[l] = Nd4j.createUninitialized(DataType.FLOAT, SHAPES[l]);
            dA[l] = Nd4j.rand(DataType.FLOAT, SHAPES[l]);
            Nd4j.getExecutioner().exec(new Sigmoid(z[l], s[l]));
            Nd4j.exec(new MulOp(z[l], s[l], a[l]));
        }
    }

    @Benchmark
    public Object sigmoid() {
        for (int l = 0; l < 3; l++) {
            Nd4j.getExecutioner().exec(new Sigmoid(z[l], out[l]));
        }
        return out;
    }

    @Benchmark
    public Object multiply() {
        for (int l = 0; l < 3; l++) {
            Nd4j.exec(new MulOp(z[l], s[l], out[l]));
        }
        return out;
    }

    @Benchmark
    public Object exp() {
        for (int l = 0; l < 3; l++) {
            Nd4j.getExecutioner().exec(new Exp(z[l], out[l]));
        }
        return out;
    }

    @Benchmark
    public Object tanh() {
        for (int l = 0; l < 3; l++) {
            Nd4j.getExecutioner().exec(new Tanh(z[l], out[l]));
        }
        return out;
    }

    @Benchmark
    public Object swish() {
        for (int l = 0; l < 3; l++) {
            Nd4j.getExecutioner().exec(new Swish(z[l], out[l]));
        }
        return out;
    }

    /**
     * ConvEnergy's SiLU backward: dA ∘ (s + a(1 − s)) as five ND4J passes (t = s; 1 − t; ·a; + s; × dA), written
     * to a separate output so repeated calls see the same inputs (in place they would shrink dA into denormals).
     */
    @Benchmark
    public Object siluBackwardNd4j() {
        for (int l = 0; l < 3; l++) {
            t[l].assign(s[l]).rsubi(1.0).muli(a[l]).addi(s[l]);
            Nd4j.exec(new MulOp(dA[l], t[l], out[l]));
        }
        return out;
    }

    /** The same in one Java pass over the off-heap buffers. */
    @Benchmark
    public Object siluBackwardJavaFused() {
        for (int l = 0; l < 3; l++) {
            FloatBuffer d = dA[l].data().asNioFloat();
            FloatBuffer sv = s[l].data().asNioFloat();
            FloatBuffer av = a[l].data().asNioFloat();
            FloatBuffer o = out[l].data().asNioFloat();
            int n = (int) dA[l].length();
            for (int k = 0; k < n; k++) {
                float si = sv.get(k);
                o.put(k, d.get(k) * (si + av.get(k) * (1 - si)));
            }
        }
        return out;
    }

    /**
     * What ConvEnergy runs for the SiLU forward: its fused fp32 pass (vectorised when the JVM has
     * jdk.incubator.vector, as bench/kernels.sh gives it; {@code -Dsparkebm.scalarSilu=true} forces the scalar path).
     */
    @Benchmark
    public Object siluForward() {
        for (int l = 0; l < 3; l++) {
            ConvEnergy.siluForward(z[l], s[l], out[l]);
        }
        return out;
    }

    /** What ConvEnergy runs for the SiLU backward (in place on a copy of dA, so every call sees the same inputs). */
    @Benchmark
    public Object siluBackward() {
        for (int l = 0; l < 3; l++) {
            out[l].assign(dA[l]);
            ConvEnergy.siluBackward(out[l], s[l], a[l], t[l]);
        }
        return out;
    }

    /** The copy that {@link #siluBackward} includes, to subtract. */
    @Benchmark
    public Object copy() {
        for (int l = 0; l < 3; l++) {
            out[l].assign(dA[l]);
        }
        return out;
    }
}
