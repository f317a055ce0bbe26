package org.sparkebm.core.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A convolutional energy: [Conv(k×k, stride s, pad p) → SiLU]* → Flatten (C, H, W order) → Dense(1).
 *
 * <p>The conv layers run as a {@link ConvStack}: in fp32 on oneDNN's primitives directly ({@link DnnlConvStack}),
 * keeping activations in oneDNN's blocked layout between layers; in fp64, or where oneDNN's natives do not load,
 * on libnd4j's conv ops ({@link Nd4jConvStack}). Either is ~15x faster than DL4J's ConvolutionLayer as shipped
 * (DL4J M2.1 never enables its oneDNN helper). Weights {@code [kH, kW, iC, oC]}. A stack keeps
 * its activation buffers for one batch size (the last two sizes are kept): an instance is not thread-safe (each
 * device task builds its own model).
 *
 * <p>Every layer must satisfy {@code (H + 2p − k) mod s = 0} so that {@code deconv2d} restores the input size
 * exactly (checked at construction). θ layout: for each conv layer W (c order) then b; then the dense weight
 * (length C·H·W) and bias.
 */
public final class ConvEnergy extends FlatParamEnergy {

    /** One convolution layer. */
    public record ConvLayer(int outChannels, int kernel, int stride, int padding) implements Serializable {
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

    /** The conv layers for the last two batch sizes used (a round uses the chain batch and data + chains). */
    private ConvStack stack;
    private long stackRows = -1;
    private ConvStack stack2;
    private long stack2Rows = -1;
    private static final Logger LOG = Logger.getLogger(ConvEnergy.class.getName());

    @Override
    public void release() {
        for (ConvStack st : new ConvStack[] {stack, stack2}) {
            if (st != null) {
                st.close();
            }
        }
        stack = null;
        stack2 = null;
        dFeatures = null;
        stackRows = -1;
        stack2Rows = -1;
    }

    /** The stack for batch size n, made on first use: oneDNN directly for fp32 when it loads, else libnd4j's ops. */
    private ConvStack stack(long n) {
        if (stackRows == n) {
            return stack;
        }
        if (stack2Rows == n) {
            ConvStack t = stack;
            long tr = stackRows;
            stack = stack2;
            stackRows = stack2Rows;
            stack2 = t;
            stack2Rows = tr;
            return stack;
        }
        if (stack2 != null) {
            stack2.close();
        }
        stack2 = stack;
        stack2Rows = stackRows;
        stack = newStack(n);
        stackRows = n;
        return stack;
    }

    /** Which kernels run the conv layers. */
    public enum Kernels {
        /** oneDNN directly for fp32 when its natives load here, else libnd4j's ops (the default). */
        AUTO,
        /** libnd4j's conv ops always (the fp64 path; for comparisons). */
        LIBND4J
    }

    private Kernels kernels = Kernels.AUTO;

    /** Chooses the kernels (for benchmarks and tests); the buffers of the previous choice are freed. */
    public ConvEnergy withKernels(Kernels k) {
        release();
        kernels = k;
        return this;
    }

    private ConvStack newStack(long n) {
        if (kernels == Kernels.AUTO && type == DataType.FLOAT && DnnlConvStack.available()) {
            try {
                return new DnnlConvStack(layers, shapes, weights, biases, n);
            } catch (IllegalStateException e) {
                LOG.warning("conv energy on libnd4j's ops: " + e.getMessage());
            }
        }
        return new Nd4jConvStack(layers, shapes, weights, biases, type, n);
    }

    /**
     * Which implementation the fp32 energy uses in this JVM: "oneDNN" or "libnd4j". (A net whose layers oneDNN
     * would lay out in ways {@link DnnlConvStack} does not chain still falls back, with a warning in the log.)
     */
    public static String backend() {
        return DnnlConvStack.available() ? "oneDNN" : "libnd4j";
    }

    /** The fp32 conv layers' kernels in this JVM, e.g. "oneDNN, SiLU vector (8 lanes)" (for run manifests). */
    public static String kernelsInUse() {
        return backend() + ", SiLU " + Silu.path();
    }

    /** The features of x (a plain copy of x is made unless x is its whole buffer in 'c' order). */
    private INDArray features(INDArray x) {
        INDArray in = plain(x) ? x : x.dup('c');
        return stack(x.size(0)).forward(in);
    }

    private INDArray denseEnergy(INDArray features) {
        return features.mmul(denseW).addi(denseB.getDouble(0)).reshape(-1);
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
        Nd4j.getExecutioner().exec(new Sigmoid(z, s));
        Nd4j.exec(new MulOp(z, s, a));
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
    static boolean plain(INDArray x) {
        return x.ordering() == 'c' && x.offset() == 0 && x.elementWiseStride() == 1 && x.data().length() == x.length();
    }

    @Override
    public INDArray energy(INDArray x) {
        return denseEnergy(features(x));
    }

    @Override
    public INDArray energyAndInputGradient(INDArray x, INDArray gradient) {
        long n = x.size(0);
        INDArray e = denseEnergy(features(x));
        if (dFeatures == null || dFeatures.size(0) != n) {
            dFeatures = Nd4j.createUninitialized(type, n, flat);
        }
        // dE/d(features) = w for every row, refilled each step (the libnd4j stack overwrites it), without allocating
        dFeatures.assign(0).addiRowVector(denseW.reshape(1, flat));
        if (plain(gradient)) {
            stack.inputGradient(dFeatures, gradient);
        } else {
            INDArray g = Nd4j.createUninitialized(type, gradient.shape());
            stack.inputGradient(dFeatures, g);
            gradient.assign(g);
        }
        return e;
    }

    private INDArray dFeatures; // reused across the Langevin steps of a round

    @Override
    public ParamGradient paramGradient(INDArray x, UnaryOperator<INDArray> coeffs) {
        long n = x.size(0);
        INDArray features = features(x);
        INDArray energies = denseEnergy(features);
        INDArray c = coeffs.apply(energies).reshape(n, 1).castTo(type);
        INDArray g = Nd4j.zeros(type, theta.length());
        long off = theta.length() - flat - 1;
        // dense layer: dW = featuresᵀ c, db = Σ c
        g.get(NDArrayIndex.interval(off, off + flat)).assign(features.transpose().mmul(c).reshape(-1));
        g.putScalar(theta.length() - 1, c.sumNumber().doubleValue());
        INDArray dFeatures = c.mmul(denseW.reshape(1, flat));
        INDArray[] dW = new INDArray[layers.size()];
        INDArray[] dB = new INDArray[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            dW[l] = Nd4j.createUninitialized(type, weights[l].shape());
            dB[l] = Nd4j.createUninitialized(type, layers.get(l).outChannels());
        }
        stack.paramGradient(dFeatures, dW, dB);
        long end = off;
        for (int l = layers.size() - 1; l >= 0; l--) {
            long bStart = end - layers.get(l).outChannels();
            long wStart = bStart - dW[l].length();
            g.get(NDArrayIndex.interval(wStart, bStart)).assign(dW[l].reshape(-1));
            g.get(NDArrayIndex.interval(bStart, end)).assign(dB[l]);
            end = wStart;
        }
        return new ParamGradient(energies, g);
    }

    @Override
    public ConvEnergy copy() {
        ConvEnergy m = new ConvEnergy(inShape, new ArrayList<>(layers), type);
        m.kernels = kernels;
        m.setParams(theta);
        return m;
    }
}
