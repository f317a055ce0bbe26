package org.sparkebm.core.eval;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.IntConsumer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.util.NdArrays;

/**
 * The image classifier whose penultimate layer is the feature space of the sample-quality metrics (FID, KID): a
 * small conv net (3×3 conv 32, 2×2 max-pool, 3×3 conv 64, 2×2 max-pool, dense 128, softmax; ReLU), trained once
 * on labelled images and kept in a file. Inception features do not fit 28×28 grey images; a classifier of the data
 * set itself is the usual substitute. DL4J's own layers, loss, updater (Adam) and model files
 * ({@link ModelSerializer}).
 *
 * <p>Seeded ({@link SeededFit}): the weights and the mini-batches come from the seed.
 */
public final class FeatureNet {
    /** Width of the feature layer. */
    public static final int FEATURES = 128;
    private static final int FEATURE_LAYER = 4;

    private final MultiLayerNetwork net;
    private final int[] shape;

    private FeatureNet(MultiLayerNetwork net, int[] shape) {
        this.net = net;
        this.shape = shape.clone();
    }

    /**
     * Trains on {@code train} (read; samples of shape (C, H, W) with H, W divisible by 4, values in −1..1, labels in
     * [0, classes)) for {@code epochs} passes in mini-batches of 128; {@code afterEpoch} is told each finished epoch.
     */
    public static FeatureNet train(Shard train, int classes, int epochs, long seed, IntConsumer afterEpoch) {
        int[] s = train.sampleShape();
        if (s.length != 3 || s[1] % 4 != 0 || s[2] % 4 != 0) {
            throw new IllegalArgumentException("images of shape (C, H, W) with H and W divisible by 4, not "
                    + java.util.Arrays.toString(s));
        }
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).padding(1, 1).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(64).padding(1, 1).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(FEATURES).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(s[1], s[2], s[0]))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        SeededFit.initialise(net, seed);
        SeededFit.fit(net, train, classes, epochs, seed, afterEpoch);
        return new FeatureNet(net, s);
    }

    /** The sample shape (C, H, W) it reads. */
    public int[] shape() {
        return shape.clone();
    }

    /** Feature vectors ({@link #FEATURES} a row) of {@code n} images (read), in batches of 500. */
    public float[] features(float[] images, int n) {
        return batched(images, n, FEATURES, x -> {
            List<INDArray> acts = net.feedForwardToLayer(FEATURE_LAYER, x, false);
            return acts.get(FEATURE_LAYER + 1);
        });
    }

    /** The fraction of {@code test}'s images (read) whose most probable class is their label. */
    public double accuracy(Shard test) {
        int classes = (int) net.getLayer(net.getnLayers() - 1).getParam("b").length();
        float[] p = batched(test.values(), test.rows(), classes, x -> net.output(x, false));
        int right = 0;
        for (int i = 0; i < test.rows(); i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                best = p[i * classes + c] > p[i * classes + best] ? c : best;
            }
            right += best == test.labels()[i] ? 1 : 0;
        }
        return right / (double) test.rows();
    }

    private float[] batched(float[] images, int n, int width, java.util.function.Function<INDArray, INDArray> f) {
        int d = shape[0] * shape[1] * shape[2];
        float[] out = new float[n * width];
        for (int start = 0; start < n; start += 500) {
            int m = Math.min(500, n - start);
            float[] x = java.util.Arrays.copyOfRange(images, start * d, (start + m) * d);
            INDArray y = f.apply(NdArrays.of(x, m, d));
            System.arraycopy(y.castTo(DataType.FLOAT).dup('c').data().asFloat(), 0, out, start * width, m * width);
        }
        return out;
    }

    private static final int MAGIC = 0x53454246; // "SEBF"

    /** Writes the sample shape, then the network (DL4J's model file, without the updater state). */
    public void write(OutputStream out) throws IOException {
        DataOutputStream h = new DataOutputStream(out);
        h.writeInt(MAGIC);
        for (int v : shape) {
            h.writeInt(v);
        }
        h.flush();
        ModelSerializer.writeModel(net, out, false);
    }

    /**
     * Reads a classifier written by {@link #write}.
     *
     * @throws IOException naming {@code source} when it is not such a file
     */
    public static FeatureNet read(InputStream in, String source) throws IOException {
        DataInputStream h = new DataInputStream(in);
        int[] shape = new int[3];
        try {
            if (h.readInt() != MAGIC) {
                throw new IOException("not a feature classifier file (wrong magic)");
            }
            for (int i = 0; i < 3; i++) {
                shape[i] = h.readInt();
            }
            return new FeatureNet(ModelSerializer.restoreMultiLayerNetwork(h, false), shape);
        } catch (IOException | RuntimeException e) {
            throw new IOException(source + ": " + (e.getMessage() != null && e.getMessage().startsWith("not a")
                    ? e.getMessage() : "not a feature classifier file (" + e + ")"), e);
        }
    }
}
