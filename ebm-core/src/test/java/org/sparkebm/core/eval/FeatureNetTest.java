package org.sparkebm.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkebm.core.data.Shard;

/** The metric's classifier learns a task it can, is seeded, and reads back from its file with the same features. */
class FeatureNetTest {
    /** 1×8×8 images: class 0 bright in the top half, class 1 in the bottom half, class 2 on the left, with noise. */
    static Shard images(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * 64];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
            for (int p = 0; p < 64; p++) {
                int row = p / 8;
                int col = p % 8;
                boolean on = y[i] == 0 ? row < 4 : y[i] == 1 ? row >= 4 : col < 4;
                v[i * 64 + p] = (float) ((on ? 0.5 : -0.5) + 0.4 * (r.nextDouble() - 0.5));
            }
        }
        return new Shard(v, n, new int[] {1, 8, 8}, y);
    }

    @Test
    void learnsSavesAndReadsBackTheSameFeatures() throws IOException {
        Shard train = images(600, 1);
        Shard test = images(300, 2);
        int[] epochs = {0};
        FeatureNet net = FeatureNet.train(train, 3, 2, 11, e -> epochs[0] = e);
        assertEquals(2, epochs[0]);
        assertTrue(net.accuracy(test) > 0.95, "accuracy " + net.accuracy(test));
        float[] f = net.features(test.values(), test.rows());
        assertEquals(300 * FeatureNet.FEATURES, f.length);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        net.write(out);
        FeatureNet back = FeatureNet.read(new ByteArrayInputStream(out.toByteArray()), "mem");
        assertArrayEquals(new int[] {1, 8, 8}, back.shape());
        assertArrayEquals(f, back.features(test.values(), test.rows()), 0f);

        // seeded: the same seed trains the same network
        assertArrayEquals(f, FeatureNet.train(train, 3, 2, 11, e -> { }).features(test.values(), test.rows()), 0f);

        IOException e = assertThrows(IOException.class, () -> FeatureNet.read(
                new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), "junk.bin"));
        assertTrue(e.getMessage().startsWith("junk.bin: not a feature classifier file"), e.getMessage());
    }
}
