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
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A convolutional energy: [Conv(k×k, stride s, pad p) → SiLU]* → Flatten (C, H, W order) → Dense(1).
 *
 * <p>Built directly on libnd4j's {@code conv2d} (forward), {@code deconv2d} (input gradient) and
 * {@code conv2d_bp} (parameter gradient) ops rather than DL4J's ConvolutionLayer: with the oneDNN natives these
 * are ~15x faster than DL4J's layers as shipped (measured in shared/stack.md: 52.9 ms vs 817 ms per 64-image
 * step), because DL4J M2.1 never enables its oneDNN helper. Activations are NCHW, weights {@code [kH, kW, iC, oC]}.
 * The sigmoid of each pre-activation is kept from the forward pass and reused for the SiLU derivative.
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

    /** Forward pass state: per layer the input, the pre-activation z and sigmoid(z). */
    private final class Forward {
        final INDArray[] inputs = new INDArray[layers.size()];
        final INDArray[] sig = new INDArray[layers.size()];
        final INDArray[] pre = new INDArray[layers.size()];
        INDArray features; // [n, F]
        INDArray energies; // [n]
    }

    private Forward forward(INDArray x) {
        long n = x.size(0);
        Forward f = new Forward();
        INDArray a = (x.ordering() == 'c' && !x.isView() ? x : x.dup('c')).reshape('c', n, inShape[0], inShape[1], inShape[2]);
        for (int l = 0; l < layers.size(); l++) {
            int[] o = shapes[l + 1];
            INDArray z = Nd4j.createUninitialized(type, n, o[0], o[1], o[2]);
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(a, weights[l], biases[l]).addOutputs(z)
                    .addIntegerArguments(convArgs(layers.get(l))).build());
            INDArray s = Transforms.sigmoid(z, true);
            f.inputs[l] = a;
            f.pre[l] = z;
            f.sig[l] = s;
            a = z.mul(s);
        }
        f.features = a.reshape('c', n, flat);
        f.energies = f.features.mmul(denseW).addi(denseB.getDouble(0)).reshape(-1);
        return f;
    }

    /** dL/dz from dL/da for SiLU: dA ∘ s ∘ (1 + z(1 − s)); dA is overwritten and returned. */
    private static INDArray siluBackward(INDArray dA, INDArray z, INDArray s) {
        INDArray d = s.rsub(1.0).muli(z).addi(1.0).muli(s);
        return dA.muli(d);
    }

    @Override
    public INDArray energy(INDArray x) {
        return forward(x).energies;
    }

    @Override
    public INDArray energyAndInputGradient(INDArray x, INDArray gradient) {
        Forward f = forward(x);
        long n = x.size(0);
        int[] last = shapes[layers.size()];
        INDArray dA = Nd4j.ones(type, n, 1).mmul(denseW.reshape(1, flat)).reshape('c', n, last[0], last[1], last[2]);
        for (int l = layers.size() - 1; l >= 0; l--) {
            INDArray dz = siluBackward(dA, f.pre[l], f.sig[l]);
            int[] s = shapes[l];
            INDArray dIn = Nd4j.createUninitialized(type, n, s[0], s[1], s[2]);
            Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(dz, weights[l]).addOutputs(dIn)
                    .addIntegerArguments(convArgs(layers.get(l))).build());
            dA = dIn;
        }
        gradient.assign(dA.reshape('c', n, inputDim()));
        return f.energies;
    }

    @Override
    public ParamGradient paramGradient(INDArray x, UnaryOperator<INDArray> coeffs) {
        Forward f = forward(x);
        long n = x.size(0);
        INDArray c = coeffs.apply(f.energies).reshape(n, 1).castTo(type);
        INDArray g = Nd4j.zeros(type, theta.length());
        long off = theta.length() - flat - 1;
        // dense layer: dW = featuresᵀ c, db = Σ c
        g.get(NDArrayIndex.interval(off, off + flat)).assign(f.features.transpose().mmul(c).reshape(-1));
        g.putScalar(theta.length() - 1, c.sumNumber().doubleValue());
        int[] last = shapes[layers.size()];
        INDArray dA = c.mmul(denseW.reshape(1, flat)).reshape('c', n, last[0], last[1], last[2]);
        long end = off;
        for (int l = layers.size() - 1; l >= 0; l--) {
            ConvLayer cl = layers.get(l);
            INDArray dz = siluBackward(dA, f.pre[l], f.sig[l]);
            int[] s = shapes[l];
            INDArray dIn = Nd4j.createUninitialized(type, n, s[0], s[1], s[2]);
            INDArray dW = Nd4j.createUninitialized(type, weights[l].shape());
            INDArray dB = Nd4j.createUninitialized(type, cl.outChannels());
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(f.inputs[l], weights[l], biases[l], dz)
                    .addOutputs(dIn, dW, dB).addIntegerArguments(convArgs(cl)).build());
            long bStart = end - cl.outChannels();
            long wStart = bStart - dW.length();
            g.get(NDArrayIndex.interval(wStart, bStart)).assign(dW.reshape(-1));
            g.get(NDArrayIndex.interval(bStart, end)).assign(dB);
            end = wStart;
            dA = dIn;
        }
        return new ParamGradient(f.energies, g);
    }

    @Override
    public ConvEnergy copy() {
        ConvEnergy m = new ConvEnergy(inShape, new ArrayList<>(layers), type);
        m.setParams(theta);
        return m;
    }
}
