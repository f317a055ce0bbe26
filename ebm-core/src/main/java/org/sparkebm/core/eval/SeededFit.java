package org.sparkebm.core.eval;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.model.ParamInit;
import org.sparkebm.core.util.NdArrays;

/**
 * Seeded training of a DL4J classifier on labelled rows: the weights drawn from the seed, the mini-batches from a
 * seeded shuffle, DL4J's own {@code fit} for each batch. DL4J's initialiser draws differently on every call whatever
 * its configured seed (measured: two inits with seed 0 in one JVM differ), so the weights are drawn again here.
 */
public final class SeededFit {
    private SeededFit() {}

    /**
     * Draws every layer's weights and biases (written) from {@code seed}: U(±1/√fan-in), fan-in the rows of a
     * dense layer's W or in-channels × kernel area of a conv layer's; layers without parameters are skipped.
     */
    public static void initialise(MultiLayerNetwork net, long seed) {
        SplittableRandom init = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int l = 0; l < net.getnLayers(); l++) {
            if (net.getLayer(l).numParams() == 0) {
                continue;
            }
            INDArray w = net.getLayer(l).getParam("W");
            long fanIn = w.rank() == 4 ? w.size(1) * w.size(2) * w.size(3) : w.size(0);
            ParamInit.uniformFanIn(w, fanIn, init);
            ParamInit.uniformFanIn(net.getLayer(l).getParam("b"), fanIn, init);
        }
    }

    /**
     * {@code epochs} passes over {@code train} (read; labels in [0, classes)) in shuffled mini-batches of 128, one-hot
     * targets; {@code afterEpoch} is told each finished epoch.
     */
    public static void fit(MultiLayerNetwork net, Shard train, int classes, int epochs, long seed,
                           IntConsumer afterEpoch) {
        int n = train.rows();
        int d = train.dim();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int batch = 128;
        for (int e = 0; e < epochs; e++) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start < n; start += batch) {
                int m = Math.min(batch, n - start);
                float[] x = new float[m * d];
                float[] y = new float[m * classes];
                for (int r = 0; r < m; r++) {
                    int row = order[start + r];
                    System.arraycopy(train.values(), row * d, x, r * d, d);
                    y[r * classes + train.labels()[row]] = 1f;
                }
                net.fit(NdArrays.of(x, m, d), NdArrays.of(y, m, classes));
            }
            afterEpoch.accept(e + 1);
        }
    }
}
