package org.sparkebm.core.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.config.Engine;

/**
 * {@link ConvStack} on oneDNN's convolution primitives called directly (JavaCPP's dnnl presets), fp32 only.
 *
 * <p>Why not libnd4j's {@code conv2d}/{@code deconv2d} (the {@link Nd4jConvStack}): they run on the same oneDNN,
 * but every call hands it plain NCHW arrays, so oneDNN converts its input to its blocked layout (aBcd8b on AVX2)
 * and its output back, and re-lays the weights, on every call. Measured with {@code ONEDNN_VERBOSE=1} on the W2 net
 * (64 images, one thread): ≈ 10 ms of such reorders in a ≈ 44 ms forward + input gradient. Here the activations
 * stay in the layout oneDNN chose from layer to layer (the SiLU is elementwise, so {@link Silu} runs on the blocked
 * buffers as they are); only x, the last layer's features and the gradients that leave the stack are converted,
 * and the weights once per call (they are small). Nothing in ND4J or DL4J exposes oneDNN's own memory layouts, so
 * the primitives are driven here.
 *
 * <p>Per layer l: forward {@code z = conv(in, W, b)}, {@code s = σ(z)}, {@code a = z·s} written over z (nothing
 * reads z afterwards, and one buffer less per layer); input gradient: SiLU
 * derivative in place on dA, then backward-data into the previous layer's dA; parameter gradient: backward-weights
 * (dW, db) from the layer's input and dz. The primitives are made for one batch size n.
 */
final class DnnlConvStack implements ConvStack {
    private static final Logger LOG = Logger.getLogger(DnnlConvStack.class.getName());

    /** The CPU engine, made once per JVM; null when oneDNN's natives cannot be loaded here. */
    private static final class Engine {
        static final engine CPU = load();

        private static engine load() {
            if (Boolean.getBoolean("sparkebm.nd4jConv")) {
                return null;
            }
            try {
                return new engine(engine.kind.cpu, 0);
            } catch (Throwable e) { // natives missing for this platform: ConvEnergy keeps libnd4j's ops
                LOG.log(Level.WARNING, "oneDNN (org.bytedeco:dnnl) not usable here, the conv energy uses libnd4j's ops", e);
                return null;
            }
        }
    }

    /** Whether this JVM can run the stack (oneDNN loads and {@code -Dsparkebm.nd4jConv=true} is not set). */
    static boolean available() {
        return Engine.CPU != null;
    }

    private final INDArray[] weights;
    private final INDArray[] biases;
    private final long n;
    private final stream stream;
    private final List<Pointer> owned = new ArrayList<>();
    private final Layer[] net;
    /** x as oneDNN sees it (plain NCHW over the caller's buffer), and the layer-0 input in the primitive's layout. */
    private final memory xUser;
    private final memory x0;
    private final reorder xIn;
    /** the last layer's SiLU output as plain NCHW [n, F] over {@link #features}' buffer, and its reorder. */
    private final INDArray features;
    private final memory featuresUser;
    private final reorder featuresOut;
    private final memory dFeaturesUser;
    private final reorder dFeaturesIn;
    /** dE/dx: layer 0's diff_src in the layout its primitive chose, then plain over the caller's buffer. */
    private final memory dx0;
    private final memory dxUser;
    private final reorder dxOut;

    private final class Layer {
        final memory in; // the layer's input in the primitive's layout (x0 or the previous layer's a)
        final memory wUser; // W as [kH, kW, iC, oC] over the plain copy below
        final INDArray wPlain;
        final memory wFwd;
        final memory wBwd;
        final memory bias; // over the plain copy below
        final INDArray bPlain;
        final memory z;
        final memory s;
        final memory a;
        final memory dA; // gradient at a, turned into dz in place
        final ByteBuffer zb;
        final ByteBuffer sb;
        final ByteBuffer ab;
        final ByteBuffer dAb;
        final int floats; // of z, s, a, dA (with any padding of the blocked layout)
        final primitive fwd;
        final IntMemoryMap fwdArgs = own(new IntMemoryMap());
        final reorder wToFwd;
        final reorder wToBwd;
        final primitive bwdData;
        final IntMemoryMap bwdDataArgs = own(new IntMemoryMap());
        final primitive bwdWeights;
        final IntMemoryMap bwdWeightsArgs = own(new IntMemoryMap());
        final memory dWBlocked;
        final memory bwIn; // the layer's input as backward-weights reads it (in itself, or a copy in another layout)
        final reorder bwInReorder;
        final memory dWUser; // over the caller's dW, set per call
        final memory dBUser; // over the caller's dB, set per call
        final reorder dWOut;

        final memory.desc diffSrc; // the layout of dE/d(input) that backward-data writes

        /** @param prevA the previous layer's output, or null for layer 0 (whose input layout oneDNN chooses) */
        Layer(ConvEnergy.ConvLayer c, int[] inShape, int[] outShape, memory prevA, INDArray w, INDArray b) {
            engine eng = Engine.CPU;
            long[] stride = {c.stride(), c.stride()};
            long[] pad = {c.padding(), c.padding()};
            memory.desc inAny = desc(new long[] {n, inShape[0], inShape[1], inShape[2]}, memory.format_tag.any);
            memory.desc wAny = desc(new long[] {c.outChannels(), inShape[0], c.kernel(), c.kernel()}, memory.format_tag.any);
            memory.desc bMd = desc(new long[] {c.outChannels()}, memory.format_tag.a);
            memory.desc dstAny = desc(new long[] {n, outShape[0], outShape[1], outShape[2]}, memory.format_tag.any);
            convolution_forward.primitive_desc fpd = own(new convolution_forward.primitive_desc(own(new convolution_forward.desc(
                    dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct, prevA == null ? inAny : prevA.get_desc(),
                    wAny, bMd, dstAny, stride, pad, pad)), eng));
            memory.desc src = fpd.src_desc();
            if (prevA != null && !src.equals(prevA.get_desc())) {
                throw new IllegalStateException("oneDNN wants another input layout than the previous layer's output");
            }
            this.in = prevA != null ? prevA : src.equals(xUser.get_desc()) ? xUser : mem(src);
            memory.desc dst = fpd.dst_desc();
            z = mem(dst);
            s = mem(dst);
            a = z; // the SiLU writes z·σ(z) over z, which nothing reads afterwards
            dA = mem(dst);
            floats = (int) (dst.get_size() / Float.BYTES);
            zb = bytes(z);
            sb = bytes(s);
            ab = zb;
            dAb = bytes(dA);
            wPlain = w.dup('c');
            wUser = own(new memory(desc(new long[] {c.outChannels(), inShape[0], c.kernel(), c.kernel()}, memory.format_tag.cdba),
                    eng, address(wPlain)));
            wFwd = mem(fpd.weights_desc());
            bPlain = b.dup('c');
            bias = own(new memory(bMd, eng, address(bPlain)));
            fwd = own(new convolution_forward(fpd));
            fwdArgs.put(dnnl.DNNL_ARG_SRC, in).put(dnnl.DNNL_ARG_WEIGHTS, wFwd).put(dnnl.DNNL_ARG_BIAS, bias)
                    .put(dnnl.DNNL_ARG_DST, z);
            wToFwd = own(new reorder(wUser, wFwd));

            convolution_backward_data.primitive_desc bdpd = own(new convolution_backward_data.primitive_desc(
                    own(new convolution_backward_data.desc(dnnl.algorithm.convolution_direct, prevA == null ? inAny : src,
                            wAny, dst, stride, pad, pad)), eng, fpd));
            diffSrc = bdpd.diff_src_desc();
            if (prevA != null && !diffSrc.equals(src)) {
                throw new IllegalStateException("oneDNN's backward-data wants another layout than the forward pass");
            }
            wBwd = mem(bdpd.weights_desc());
            wToBwd = own(new reorder(wUser, wBwd));
            bwdData = own(new convolution_backward_data(bdpd));
            bwdDataArgs.put(dnnl.DNNL_ARG_DIFF_DST, dA).put(dnnl.DNNL_ARG_WEIGHTS, wBwd);

            convolution_backward_weights.primitive_desc bwpd = own(new convolution_backward_weights.primitive_desc(
                    own(new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, prevA == null ? inAny : src,
                            wAny, bMd, dst, stride, pad, pad)), eng, fpd));
            if (!bwpd.diff_dst_desc().equals(dst) || prevA != null && !bwpd.src_desc().equals(src)) {
                throw new IllegalStateException("oneDNN's backward-weights wants other layouts than the forward pass");
            }
            // layer 0: the layout its backward-weights kernel wants for x may differ from the forward's (on AVX2 a
            // one-channel x is read plain forward, but only oneDNN's reference kernel takes it plain backward: over
            // a second per W2 parameter gradient)
            if (bwpd.src_desc().equals(src)) {
                bwIn = in;
                bwInReorder = null;
            } else {
                bwIn = mem(bwpd.src_desc());
                bwInReorder = own(new reorder(in, bwIn));
            }
            dWBlocked = mem(bwpd.diff_weights_desc());
            dWUser = own(new memory(wUser.get_desc(), eng, address(wPlain))); // handle replaced per call
            dBUser = own(new memory(bMd, eng, address(bPlain)));
            dWOut = own(new reorder(dWBlocked, dWUser));
            bwdWeights = own(new convolution_backward_weights(bwpd));
            bwdWeightsArgs.put(dnnl.DNNL_ARG_SRC, bwIn).put(dnnl.DNNL_ARG_DIFF_DST, dA)
                    .put(dnnl.DNNL_ARG_DIFF_WEIGHTS, dWBlocked).put(dnnl.DNNL_ARG_DIFF_BIAS, dBUser);
        }
    }

    /**
     * @param weights read at every {@link #forward} (views of θ), per layer {@code [kH, kW, iC, oC]}
     * @param biases  read at every {@link #forward} (views of θ)
     * @throws IllegalStateException if oneDNN picks layouts this class does not chain (the caller falls back)
     */
    DnnlConvStack(List<ConvEnergy.ConvLayer> layers, int[][] shapes, INDArray[] weights, INDArray[] biases, long n) {
        if (!available()) {
            throw new IllegalStateException("oneDNN is not available");
        }
        this.weights = weights;
        this.biases = biases;
        this.n = n;
        engine eng = Engine.CPU;
        this.stream = own(new stream(eng));
        int[] in = shapes[0];
        int nl = layers.size();
        memory.desc xPlain = desc(new long[] {n, in[0], in[1], in[2]}, memory.format_tag.abcd);
        xUser = own(new memory(xPlain, eng, new FloatPointer((Pointer) null))); // handle set per call
        net = new Layer[nl];
        memory input = null;
        for (int l = 0; l < nl; l++) {
            net[l] = new Layer(layers.get(l), shapes[l], shapes[l + 1], input, weights[l], biases[l]);
            input = net[l].a;
        }
        x0 = net[0].in;
        xIn = x0 == xUser ? null : own(new reorder(xUser, x0));
        // backward-data of layer l > 0 writes the previous layer's dA; layer 0's writes dx0, then plain
        for (int l = 1; l < nl; l++) {
            net[l].bwdDataArgs.put(dnnl.DNNL_ARG_DIFF_SRC, net[l - 1].dA);
        }
        dx0 = mem(net[0].diffSrc);
        net[0].bwdDataArgs.put(dnnl.DNNL_ARG_DIFF_SRC, dx0);
        dxUser = own(new memory(xPlain, eng, new FloatPointer((Pointer) null)));
        dxOut = own(new reorder(dx0, dxUser));
        int[] last = shapes[nl];
        features = Nd4j.createUninitialized(DataType.FLOAT, n, (long) last[0] * last[1] * last[2]);
        memory.desc fPlain = desc(new long[] {n, last[0], last[1], last[2]}, memory.format_tag.abcd);
        featuresUser = own(new memory(fPlain, eng, address(features)));
        featuresOut = own(new reorder(net[nl - 1].a, featuresUser));
        dFeaturesUser = own(new memory(fPlain, eng, new FloatPointer((Pointer) null)));
        dFeaturesIn = own(new reorder(dFeaturesUser, net[nl - 1].dA));
    }

    private static memory.desc desc(long[] dims, memory.format_tag tag) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    private memory mem(memory.desc d) {
        return own(new memory(d, Engine.CPU));
    }

    private <T extends Pointer> T own(T p) {
        owned.add(p);
        return p;
    }

    /** The buffer of oneDNN memory m as native-order bytes (its whole size, padding included). */
    private static ByteBuffer bytes(memory m) {
        long size = m.get_desc().get_size();
        return new FloatPointer(m.get_data_handle()).capacity(size / Float.BYTES).asByteBuffer()
                .order(ByteOrder.nativeOrder());
    }

    /** The address of element 0 of a plain fp32 array (anything else is refused). */
    private static Pointer address(INDArray x) {
        if (x.dataType() != DataType.FLOAT || !ConvEnergy.plain(x)) {
            throw new IllegalArgumentException("oneDNN path needs plain fp32 arrays, got " + x.dataType() + " "
                    + x.ordering() + " offset " + x.offset());
        }
        return x.data().addressPointer();
    }

    @Override
    public INDArray forward(INDArray x) {
        if (x.size(0) != n) {
            throw new IllegalArgumentException("stack built for " + n + " rows, got " + x.size(0));
        }
        xUser.set_data_handle(address(x));
        if (xIn != null) {
            xIn.execute(stream, xUser, x0);
        }
        for (int l = 0; l < net.length; l++) {
            Layer y = net[l];
            y.wPlain.assign(weights[l]);
            y.bPlain.assign(biases[l]);
            y.wToFwd.execute(stream, y.wUser, y.wFwd);
            y.wToBwd.execute(stream, y.wUser, y.wBwd); // θ is read here only: both directions' weights at once
            y.fwd.execute(stream, y.fwdArgs);
            stream._wait();
            Silu.forward(y.zb, y.sb, y.ab, y.floats);
        }
        featuresOut.execute(stream, net[net.length - 1].a, featuresUser);
        stream._wait();
        return features;
    }

    /** dFeatures into the last layer's dA, in oneDNN's layout. */
    private void gradientIn(INDArray dFeatures) {
        dFeaturesUser.set_data_handle(address(dFeatures));
        dFeaturesIn.execute(stream, dFeaturesUser, net[net.length - 1].dA);
        stream._wait();
    }

    @Override
    public void inputGradient(INDArray dFeatures, INDArray dx) {
        gradientIn(dFeatures);
        for (int l = net.length - 1; l >= 0; l--) {
            Layer y = net[l];
            Silu.backward(y.dAb, y.sb, y.ab, y.floats);
            y.bwdData.execute(stream, y.bwdDataArgs);
            stream._wait();
        }
        dxUser.set_data_handle(address(dx));
        dxOut.execute(stream, dx0, dxUser);
        stream._wait();
    }

    @Override
    public void paramGradient(INDArray dFeatures, INDArray[] dW, INDArray[] dB) {
        gradientIn(dFeatures);
        for (int l = net.length - 1; l >= 0; l--) {
            Layer y = net[l];
            Silu.backward(y.dAb, y.sb, y.ab, y.floats);
            y.dBUser.set_data_handle(address(dB[l]));
            if (y.bwInReorder != null) {
                y.bwInReorder.execute(stream, y.in, y.bwIn);
            }
            y.bwdWeights.execute(stream, y.bwdWeightsArgs);
            y.dWUser.set_data_handle(address(dW[l]));
            y.dWOut.execute(stream, y.dWBlocked, y.dWUser);
            if (l > 0) {
                y.bwdData.execute(stream, y.bwdDataArgs);
            }
            stream._wait();
        }
    }

    @Override
    public void close() {
        for (int k = owned.size() - 1; k >= 0; k--) {
            owned.get(k).close();
        }
        owned.clear();
        features.close();
        for (Layer y : net) {
            y.wPlain.close();
            y.bPlain.close();
        }
    }
}
