package org.sparkebm.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkebm.core.data.Shard;

/** The W4 readout classifier learns, reads only the allowed classes when asked, and is the same for the same seed. */
class ImageClassifierTest {
    /** Three classes of 8×8 "images": a bright row at the top, middle or bottom, plus noise; labels 2, 5, 7. */
    static Shard bands(int n, long seed) {
        return bands(n, seed, new int[] {2, 5, 7});
    }

    /** The same with the three labels {@code ids}, row i of class i mod 3. */
    static Shard bands(int n, long seed, int[] ids) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n * 64];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            l[i] = ids[c];
            for (int k = 0; k < 64; k++) {
                boolean band = k / 8 == 1 + 3 * c;
                v[i * 64 + k] = (float) ((band ? 0.8 : -0.8) + 0.3 * rng.nextGaussian());
            }
        }
        return new Shard(v, n, new int[] {1, 8, 8}, l);
    }

    @Test
    void learnsIsReproducibleAndReadsAmongGivenClasses() {
        Shard train = bands(600, 1);
        Shard test = bands(300, 2);
        ImageClassifier a = ImageClassifier.train(train, 10, 3, 7);
        ImageClassifier b = ImageClassifier.train(train, 10, 3, 7);
        assertTrue(a.accuracy(test) > 0.95, "accuracy " + a.accuracy(test));
        assertArrayEquals(a.predict(test.values(), test.rows()), b.predict(test.values(), test.rows()), "same seed, same classifier");
        // restricted to {5, 7}: class-2 images must be read as 5 or 7, the others as before
        int[] among = a.predict(test.values(), test.rows(), new int[] {5, 7});
        int[] any = a.predict(test.values(), test.rows());
        for (int i = 0; i < among.length; i++) {
            assertTrue(among[i] == 5 || among[i] == 7, "row " + i + " read as " + among[i]);
            if (any[i] != 2) {
                assertEquals(any[i], among[i], "row " + i);
            }
        }
    }
}
