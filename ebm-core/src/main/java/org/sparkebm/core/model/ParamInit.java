package org.sparkebm.core.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded parameter initialisation; never touches ND4J's global RNG.
 *
 * <p>Weights and biases of a layer with fan-in f are drawn from U(−1/√f, 1/√f), PyTorch's default for Linear and
 * Conv2d, so the project and the peer start from the same distribution.
 */
public final class ParamInit {
    private ParamInit() {}

    /** Fills {@code target} (written; any shape, any order) with U(−1/√fanIn, 1/√fanIn) draws. */
    public static void uniformFanIn(INDArray target, long fanIn, SplittableRandom rng) {
        double bound = 1.0 / Math.sqrt(fanIn);
        long n = target.length();
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * rng.nextDouble() - 1) * bound;
        }
        target.assign(Nd4j.create(v, target.shape(), target.dataType()));
    }
}
