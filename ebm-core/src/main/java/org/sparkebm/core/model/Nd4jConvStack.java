package org.sparkebm.core.model;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ConvStack} on libnd4j's {@code conv2d} (forward), {@code deconv2d} (input gradient) and {@code conv2d_bp}
 * (parameter gradient) ops, which run on oneDNN with the onednn natives (measured on one thread: 52.9 ms against
 * DL4J's layers' 817 ms per 64-image step, as DL4J M2.1 never enables its oneDNN helper). Activations NCHW, weights
 * {@code [kH, kW, iC, oC]}. Works in fp32 and fp64; the fp32 energy uses {@link DnnlConvStack} when it can, which
 * avoids the layout conversions each of these ops makes. The sigmoid of each pre-activation is kept from the
 * forward pass for the SiLU derivative, and all buffers are allocated once per stack: allocating fresh native
 * arrays of up to 6.4 MB several times per layer per call cost more than the elementwise work itself (the JMH
 * Langevin step went from 178.5 to 73.6 ms with reused buffers: docs/results/performance.md).
 */
final class Nd4jConvStack implements ConvStack {
    private final List<ConvEnergy.ConvLayer> layers;
    private final int[][] shapes;
    private final INDArray[] weights;
    private final INDArray[] biases;
    private final int[] inShape;
    private final int flat;
    private final INDArray[] inputs;
    private final INDArray[] z; // pre-activations
    private final INDArray[] s; // sigmoid(z)
    private final INDArray[] a; // SiLU outputs
    private final INDArray[] din; // gradients w.r.t. each layer's input
    private final INDArray[] t; // scratch of the fp64 SiLU derivative

    /**
     * @param weights read at every call (views of θ), per layer {@code [kH, kW, iC, oC]}
     * @param biases  read at every call (views of θ)
     */
    Nd4jConvStack(List<ConvEnergy.ConvLayer> layers, int[][] shapes, INDArray[] weights, INDArray[] biases,
                  DataType type, long n) {
        this.layers = layers;
        this.shapes = shapes;
        this.weights = weights;
        this.biases = biases;
        this.inShape = shapes[0];
        int[] last = shapes[layers.size()];
        this.flat = last[0] * last[1] * last[2];
        int nl = layers.size();
        inputs = new INDArray[nl];
        z = new INDArray[nl];
        s = new INDArray[nl];
        a = new INDArray[nl];
        din = new INDArray[nl];
        t = new INDArray[nl];
        for (int l = 0; l < nl; l++) {
            int[] o = shapes[l + 1];
            int[] i = shapes[l];
            z[l] = Nd4j.createUninitialized(type, n, o[0], o[1], o[2]);
            s[l] = Nd4j.createUninitialized(type, n, o[0], o[1], o[2]);
            a[l] = Nd4j.createUninitialized(type, n, o[0], o[1], o[2]);
            t[l] = Nd4j.createUninitialized(type, n, o[0], o[1], o[2]);
            din[l] = Nd4j.createUninitialized(type, n, i[0], i[1], i[2]);
        }
    }

    private static int[] convArgs(ConvEnergy.ConvLayer c) {
        return new int[] {c.kernel(), c.kernel(), c.stride(), c.stride(), c.padding(), c.padding(), 1, 1, 0, 0, 0};
    }

    @Override
    public INDArray forward(INDArray x) {
        long n = x.size(0);
        INDArray in = x.reshape('c', n, inShape[0], inShape[1], inShape[2]);
        for (int l = 0; l < layers.size(); l++) {
            inputs[l] = in;
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(in, weights[l], biases[l]).addOutputs(z[l])
                    .addIntegerArguments(convArgs(layers.get(l))).build());
            ConvEnergy.siluForward(z[l], s[l], a[l]);
            in = a[l];
        }
        return in.reshape('c', n, flat);
    }

    private INDArray gradientAtLastLayer(INDArray dFeatures) {
        int[] last = shapes[layers.size()];
        return dFeatures.reshape('c', dFeatures.size(0), last[0], last[1], last[2]);
    }

    @Override
    public void inputGradient(INDArray dFeatures, INDArray dx) {
        INDArray dA = gradientAtLastLayer(dFeatures);
        for (int l = layers.size() - 1; l >= 0; l--) {
            INDArray dz = ConvEnergy.siluBackward(dA, s[l], a[l], t[l]);
            Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(dz, weights[l]).addOutputs(din[l])
                    .addIntegerArguments(convArgs(layers.get(l))).build());
            dA = din[l];
        }
        dx.assign(dA.reshape('c', dx.size(0), dx.size(1)));
    }

    @Override
    public void paramGradient(INDArray dFeatures, INDArray[] dW, INDArray[] dB) {
        INDArray dA = gradientAtLastLayer(dFeatures);
        for (int l = layers.size() - 1; l >= 0; l--) {
            INDArray dz = ConvEnergy.siluBackward(dA, s[l], a[l], t[l]);
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(inputs[l], weights[l], biases[l], dz)
                    .addOutputs(din[l], dW[l], dB[l]).addIntegerArguments(convArgs(layers.get(l))).build());
            dA = din[l];
        }
    }

    @Override
    public void close() {
        for (INDArray[] group : new INDArray[][] {z, s, a, din, t}) {
            for (INDArray x : group) {
                if (x != null && x.closeable()) {
                    x.close();
                }
            }
        }
    }
}
