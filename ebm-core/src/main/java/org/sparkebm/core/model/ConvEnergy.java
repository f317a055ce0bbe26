package org.sparkebm.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A convolutional energy: [Conv(k×k, stride s, pad p) → SiLU]* → Flatten (C, H, W order) → Dense(1).
 *
 * <p>Built directly on libnd4j's {@code conv2d} (forward), {@code deconv2d} (input gradient) and
 * {@code conv2d_bp} (parameter gradient) ops rather than DL4J's ConvolutionLayer: with the oneDNN natives these
 * are ~15x faster than DL4J's layers as shipped (measured in shared/stack.md: 52.9 ms vs 817 ms per 64-image
 * step), because DL4J M2.1 never enables its oneDNN helper. Activations are NCHW, weights {@code [kH, kW, iC, oC]}.
 * The sigmoid of each pre-activation is kept from the forward pass and reused for the SiLU derivative, and all
 * activation buffers are reused across calls of the same batch size ({@link Scratch}): an instance is not
 * thread-safe (each device task builds its own model).
 *
 * <p>Every layer must satisfy {@code (H + 2p − k) mod s = 0} so that {@code deconv2d} restores the input size
 * exactly (checked at construction). θ layout: for each conv layer W (c order) then b; then the dense weight
 * (length C·H·W) and bias.
 */
public final class ConvEnergy extends FlatParamEnergy {

    /** One convolution layer. */
    public record ConvLayer(int outChannels, int kernel, int stride, int padding) implements java.io.Serializable {
        public ConvLayer {
            if (outChannels < 1 || kernel < 1 || stride < 1 || padding < 0) {
                throw new IllegalArgumentException("bad conv layer " + outChannels + ":" + kernel + ":" + stride + ":" + padding);
            }
        }
    }

    private final int[] inShape; // C, H, W
    private final List<ConvLayer> layers;
    private final int[][] shapes; // per layer output C, H, W; shapes[0] is the input
    private final INDArray[] weights;
    private final INDArray[] biases;
    private final INDArray denseW; // [F, 1]
    private final INDArray denseB; // [1, 1]
    private final int flat;

    public ConvEnergy(int[] inShape, List<ConvLayer> layers, DataType type) {
        super(paramCount(inShape, layers), inShape, type);
        this.inShape = inShape.clone();
        this.layers = List.copyOf(layers);
        this.shapes = outputShapes(inShape, layers);
        int[] last = shapes[layers.size()];
        flat = last[0] * last[1] * last[2];
        weights = new INDArray[layers.size()];
        biases = new INDArray[layers.size()];
        long off = 0;
        for (int l = 0; l < layers.size(); l++) {
            ConvLayer c = layers.get(l);
            int iC = shapes[l][0];
            long wn = (long) c.kernel() * c.kernel() * iC * c.outChannels();
            weights[l] = theta.get(NDArrayIndex.interval(off, off + wn)).reshape('c', c.kernel(), c.kernel(), iC, c.outChannels());
            off += wn;
            biases[l] = theta.get(NDArrayIndex.interval(off, off + c.outChannels())); // already 1-D; reshape('c', n) would bind to reshape(long, long)
            off += c.outChannels();
        }
        denseW = theta.get(NDArrayIndex.interval(off, off + flat)).reshape('c', flat, 1);
        off += flat;
        denseB = theta.get(NDArrayIndex.interval(off, off + 1)).reshape('c', 1, 1);
    }

    /** Per layer output (C, H, W), index 0 the input; validates that every layer tiles its input. */
    private static int[][] outputShapes(int[] inShape, List<ConvLayer> layers) {
        if (inShape.length != 3) {
            throw new IllegalArgumentException("conv energy needs a (C, H, W) sample shape");
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("conv energy needs at least one conv layer");
        }
        int[][] shapes = new int[layers.size() + 1][];
        shapes[0] = inShape.clone();
        for (int l = 0; l < layers.size(); l++) {
            ConvLayer c = layers.get(l);
            int[] s = shapes[l];
            int span = s[1] + 2 * c.padding() - c.kernel();
            int spanW = s[2] + 2 * c.padding() - c.kernel();
            if (span < 0 || spanW < 0 || span % c.stride() != 0 || spanW % c.stride() != 0) {
                throw new IllegalArgumentException("conv layer " + (l + 1) + " (" + c.kernel() + "x" + c.kernel()
                        + ", stride " + c.stride() + ", pad " + c.padding() + ") does not tile its " + s[1] + "x" + s[2]
                        + " input: need (H + 2p - k) divisible by the stride");
            }
            shapes[l + 1] = new int[] {c.outChannels(), span / c.stride() + 1, spanW / c.stride() + 1};
        }
        return shapes;
    }

    private static long paramCount(int[] inShape, List<ConvLayer> layers) {
        int[][] shapes = outputShapes(inShape, layers);
        long n = 0;
        for (int l = 0; l < layers.size(); l++) {
            ConvLayer c = layers.get(l);
            n += (long) c.kernel() * c.kernel() * shapes[l][0] * c.outChannels() + c.outChannels();
        }
        int[] last = shapes[layers.size()];
        return n + (long) last[0] * last[1] * last[2] + 1;
    }

    /** Fills θ with the seeded fan-in uniform initialisation (PyTorch's Conv2d/Linear default distribution). */
    public ConvEnergy initialise(SplittableRandom rng) {
        for (int l = 0; l < layers.size(); l++) {
            ConvLayer c = layers.get(l);
            long fanIn = (long) shapes[l][0] * c.kernel() * c.kernel();
            ParamInit.uniformFanIn(weights[l], fanIn, rng);
            ParamInit.uniformFanIn(biases[l], fanIn, rng);
        }
        ParamInit.uniformFanIn(denseW, flat, rng);
        ParamInit.uniformFanIn(denseB, flat, rng);
        return this;
    }

    /** Sets the dense output layer to zero (f ≡ 0). */
    public ConvEnergy zeroOutputLayer() {
        denseW.assign(0);
        denseB.assign(0);
        return this;
    }

    public List<ConvLayer> layers() {
        return layers;
    }

    private int[] convArgs(ConvLayer c) {
        return new int[] {c.kernel(), c.kernel(), c.stride(), c.stride(), c.padding(), c.padding(), 1, 1, 0, 0, 0};
    }

    /**
     * Activation buffers for one batch size, reused across calls: a Langevin chain calls this model K times per round
     * at the same batch size, and allocating fresh native arrays of up to 6.4 MB (layer 1 at batch 64) several times
     * per layer per call cost more than the elementwise work itself (the JMH Langevin step went from 178.5 to 73.6 ms
     * with these buffers: docs/results/performance.md). Arrays in here never escape a call.
     */
    private final class Scratch {
        final INDArray[] z = new INDArray[layers.size()];   // pre-activations
        final INDArray[] s = new INDArray[layers.size()];   // sigmoid(z)
        final INDArray[] a = new INDArray[layers.size()];   // SiLU outputs
        final INDArray[] din = new INDArray[layers.size()]; // gradients w.r.t. each layer's input
        final INDArray[] t = new INDArray[layers.size()];   // SiLU derivative
        final INDArray ones;
        final INDArray dA;                                  // [n, F] gradient at the features

        Scratch(long n) {
            for (int l = 0; l < layers.size(); l++) {
                int[] o = shapes[l + 1];
                int[] i = shapes[l];
                z[l] = Nd4j.createUninitialized(type, n, o[0], o[1], o[2]);
                s[l] = Nd4j.createUninitialized(type, n, o[0], o[1], o[2]);
                a[l] = Nd4j.createUninitialized(type, n, o[0], o[1], o[2]);
                t[l] = Nd4j.createUninitialized(type, n, o[0], o[1], o[2]);
                din[l] = Nd4j.createUninitialized(type, n, i[0], i[1], i[2]);
            }
            ones = Nd4j.ones(type, n, 1);
            dA = Nd4j.createUninitialized(type, n, flat);
        }

        void close() {
            for (INDArray[] group : new INDArray[][] {z, s, a, din, t, {ones, dA}}) {
                for (INDArray x : group) {
                    if (x != null && x.closeable()) {
                        x.close();
                    }
                }
            }
        }
    }

    private Scratch scratch;
    private long scratchRows = -1;
    private Scratch scratch2;
    private long scratch2Rows = -1;

    @Override
    public void release() {
        for (Scratch sc : new Scratch[] {scratch, scratch2}) {
            if (sc != null) {
                sc.close();
            }
        }
        scratch = null;
        scratch2 = null;
        scratchRows = -1;
        scratch2Rows = -1;
    }

    /** The buffers for batch size n (the last two sizes are kept: chain batch and data + chains). */
    private Scratch scratch(long n) {
        if (scratchRows == n) {
            return scratch;
        }
        if (scratch2Rows == n) {
            Scratch t = scratch;
            long tr = scratchRows;
            scratch = scratch2;
            scratchRows = scratch2Rows;
            scratch2 = t;
            scratch2Rows = tr;
            return scratch;
        }
        scratch2 = scratch;
        scratch2Rows = scratchRows;
        scratch = new Scratch(n);
        scratchRows = n;
        return scratch;
    }

    /** Forward pass: per layer the input, z, sigmoid(z) and SiLU(z) (all in {@code sc}); returns new energies. */
    private INDArray forward(INDArray x, Scratch sc, INDArray[] inputs) {
        long n = x.size(0);
        INDArray in = (x.ordering() == 'c' && !x.isView() ? x : x.dup('c')).reshape('c', n, inShape[0], inShape[1], inShape[2]);
        for (int l = 0; l < layers.size(); l++) {
            inputs[l] = in;
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(in, weights[l], biases[l]).addOutputs(sc.z[l])
                    .addIntegerArguments(convArgs(layers.get(l))).build());
            siluForward(sc.z[l], sc.s[l], sc.a[l]);
            in = sc.a[l];
        }
        return in.reshape('c', n, flat).mmul(denseW).addi(denseB.getDouble(0)).reshape(-1);
    }

    /**
     * s = sigmoid(z) and a = z·s. fp32 arrays that are their whole buffer (the scratch arrays always are) take
     * {@link Silu}'s fused pass; others libnd4j's sigmoid and a multiply.
     *
     * @param z read
     * @param s written
     * @param a written
     */
    public static void siluForward(INDArray z, INDArray s, INDArray a) {
        if (z.dataType() == DataType.FLOAT && plain(z) && plain(s) && plain(a)) {
            Silu.forward(z.data().asNio(), s.data().asNio(), a.data().asNio(), (int) z.length());
            return;
        }
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid(z, s));
        Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp(z, s, a));
    }

    /**
     * dL/dz from dL/da for SiLU, in place: dA ∘ (s + a(1 − s)) with a = z·s (= s(1 + z(1 − s))). {@code dA} is
     * read, overwritten and returned; {@code s}, {@code a} are read; {@code t} is scratch (written by the ND4J path
     * only).
     */
    public static INDArray siluBackward(INDArray dA, INDArray s, INDArray a, INDArray t) {
        if (dA.dataType() == DataType.FLOAT && plain(dA) && plain(s) && plain(a)) {
            // one fused pass instead of five ND4J passes (ND4J has no op for this expression): 1.8 vs 6.9 ms per
            // W2 step as a scalar Java loop (ElementwiseBench), less on the vector path
            Silu.backward(dA.data().asNio(), s.data().asNio(), a.data().asNio(), (int) dA.length());
            return dA;
        }
        t.assign(s).rsubi(1.0).muli(a).addi(s);
        return dA.muli(t);
    }

    /** Whether {@code x} is its whole buffer in 'c' order (so element k of the array is element k of the buffer). */
    private static boolean plain(INDArray x) {
        return x.ordering() == 'c' && x.offset() == 0 && x.elementWiseStride() == 1 && x.data().length() == x.length();
    }

    @Override
    public INDArray energy(INDArray x) {
        return forward(x, scratch(x.size(0)), new INDArray[layers.size()]);
    }

    @Override
    public INDArray energyAndInputGradient(INDArray x, INDArray gradient) {
        long n = x.size(0);
        Scratch sc = scratch(n);
        INDArray[] inputs = new INDArray[layers.size()];
        INDArray e = forward(x, sc, inputs);
        int[] last = shapes[layers.size()];
        sc.ones.mmul(denseW.reshape(1, flat), sc.dA);
        INDArray dA = sc.dA.reshape('c', n, last[0], last[1], last[2]);
        for (int l = layers.size() - 1; l >= 0; l--) {
            INDArray dz = siluBackward(dA, sc.s[l], sc.a[l], sc.t[l]);
            Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(dz, weights[l]).addOutputs(sc.din[l])
                    .addIntegerArguments(convArgs(layers.get(l))).build());
            dA = sc.din[l];
        }
        gradient.assign(dA.reshape('c', n, inputDim()));
        return e;
    }

    @Override
    public ParamGradient paramGradient(INDArray x, UnaryOperator<INDArray> coeffs) {
        long n = x.size(0);
        Scratch sc = scratch(n);
        INDArray[] inputs = new INDArray[layers.size()];
        INDArray energies = forward(x, sc, inputs);
        INDArray c = coeffs.apply(energies).reshape(n, 1).castTo(type);
        INDArray g = Nd4j.zeros(type, theta.length());
        long off = theta.length() - flat - 1;
        // dense layer: dW = featuresᵀ c, db = Σ c
        INDArray features = sc.a[layers.size() - 1].reshape('c', n, flat);
        g.get(NDArrayIndex.interval(off, off + flat)).assign(features.transpose().mmul(c).reshape(-1));
        g.putScalar(theta.length() - 1, c.sumNumber().doubleValue());
        int[] last = shapes[layers.size()];
        c.mmul(denseW.reshape(1, flat), sc.dA);
        INDArray dA = sc.dA.reshape('c', n, last[0], last[1], last[2]);
        long end = off;
        for (int l = layers.size() - 1; l >= 0; l--) {
            ConvLayer cl = layers.get(l);
            INDArray dz = siluBackward(dA, sc.s[l], sc.a[l], sc.t[l]);
            INDArray dW = Nd4j.createUninitialized(type, weights[l].shape());
            INDArray dB = Nd4j.createUninitialized(type, cl.outChannels());
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(inputs[l], weights[l], biases[l], dz)
                    .addOutputs(sc.din[l], dW, dB).addIntegerArguments(convArgs(cl)).build());
            long bStart = end - cl.outChannels();
            long wStart = bStart - dW.length();
            g.get(NDArrayIndex.interval(wStart, bStart)).assign(dW.reshape(-1));
            g.get(NDArrayIndex.interval(bStart, end)).assign(dB);
            end = wStart;
            dA = sc.din[l];
        }
        return new ParamGradient(energies, g);
    }

    @Override
    public ConvEnergy copy() {
        ConvEnergy m = new ConvEnergy(inShape, new ArrayList<>(layers), type);
        m.setParams(theta);
        return m;
    }
}
