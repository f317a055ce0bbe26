package org.sparkebm.experiments;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.eval.SeededFit;
import org.sparkebm.core.util.NdArrays;

/**
 * A plain DL4J MLP classifier (784-256-C, ReLU, softmax, Adam) that reads the class of EBM samples (W4). Trained on
 * labelled data, seeded ({@link SeededFit}); DL4J's own layers, loss and updater.
 */
public final class ImageClassifier {
    private final MultiLayerNetwork net;
    private final int classes;

    private ImageClassifier(MultiLayerNetwork net, int classes) {
        this.net = net;
        this.classes = classes;
    }

    /** Trains for {@code epochs} epochs with mini-batches of 128. {@code train} must have labels in [0, classes). */
    public static ImageClassifier train(Shard train, int classes, int epochs, long seed) {
        int d = train.dim();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(d).nOut(256).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(256).nOut(classes)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        SeededFit.initialise(net, seed);
        SeededFit.fit(net, train, classes, epochs, seed, e -> { });
        return new ImageClassifier(net, classes);
    }

    /** Predicted classes of {@code n} rows of {@code samples} (read). */
    public int[] predict(float[] samples, int n) {
        return predict(samples, n, null);
    }

    /**
     * Predicted classes of {@code n} rows of {@code samples} (read), the most probable among {@code among} only
     * (null: all classes): the readout when every sample is known to be one of a few classes.
     */
    public int[] predict(float[] samples, int n, int[] among) {
        float[] p = probabilities(samples, n);
        int[] out = new int[n];
        for (int r = 0; r < n; r++) {
            out[r] = argMax(p, r, among);
        }
        return out;
    }

    /** Class probabilities of {@code n} rows of {@code samples} (read): a new row-major {@code n × classes} array. */
    public float[] probabilities(float[] samples, int n) {
        int d = samples.length / n;
        float[] out = new float[n * classes];
        int batch = 1024;
        for (int start = 0; start < n; start += batch) {
            int m = Math.min(batch, n - start);
            float[] x = Arrays.copyOfRange(samples, start * d, (start + m) * d);
            float[] p = net.output(NdArrays.of(x, m, d), false).dup('c').data().asFloat();
            System.arraycopy(p, 0, out, start * classes, m * classes);
        }
        return out;
    }

    /** The most probable class of row {@code r} of {@code probs} (read), among {@code among} only (null: all). */
    public int argMax(float[] probs, int r, int[] among) {
        int best = among == null ? 0 : among[0];
        if (among == null) {
            for (int c = 1; c < classes; c++) {
                best = probs[r * classes + c] > probs[r * classes + best] ? c : best;
            }
            return best;
        }
        for (int c : among) {
            best = probs[r * classes + c] > probs[r * classes + best] ? c : best;
        }
        return best;
    }

    /** Fraction of correctly classified rows of a labelled set. */
    public double accuracy(Shard test) {
        int[] pred = predict(test.values(), test.rows());
        int ok = 0;
        for (int i = 0; i < pred.length; i++) {
            if (pred[i] == test.labels()[i]) {
                ok++;
            }
        }
        return ok / (double) pred.length;
    }

    public int classes() {
        return classes;
    }
}
