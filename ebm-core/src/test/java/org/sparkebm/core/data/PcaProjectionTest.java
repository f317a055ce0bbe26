package org.sparkebm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PcaProjectionTest {
    /**
     * n rows in R^{2×5} (a 2×5 "image") lying in a known 3-D subspace: x = c + 3 z1 e1' + 2 z2 e2' + 0.5 z3 e3', with
     * orthonormal e' (a rotation of the first three axes), so the principal variances are 9, 4, 0.25 exactly in
     * expectation.
     */
    static Shard lowRank(int n, long seed) {
        int d = 10;
        double c = Math.cos(0.7);
        double s = Math.sin(0.7);
        double[][] e = new double[3][d];
        e[0][0] = c;
        e[0][3] = s;
        e[1][0] = -s;
        e[1][3] = c;
        e[2][7] = 1;
        double[] sd = {3, 2, 0.5};
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                double z = rng.nextGaussian() * sd[k];
                for (int j = 0; j < d; j++) {
                    v[i * d + j] += (float) (z * e[k][j]);
                }
            }
            for (int j = 0; j < d; j++) {
                v[i * d + j] += j * 0.1f;
            }
            labels[i] = i % 3;
        }
        return new Shard(v, n, new int[] {1, 2, 5}, labels);
    }

    @Test
    void findsTheSubspaceAndWhitensIt() {
        Shard data = lowRank(4000, 1);
        PcaProjection p = PcaProjection.fit(data, 3);
        assertEquals(10, p.sourceDim());
        assertEquals(3, p.components());
        assertArrayEquals(new int[] {1, 2, 5}, p.sourceShape());
        assertEquals(1.0, p.explainedVariance(), 1e-5);
        float[] s = p.scales();
        // sample standard deviations: within 4 standard errors (sd / sqrt(2n)) of 3, 2, 0.5
        double[] want = {3, 2, 0.5};
        for (int k = 0; k < 3; k++) {
            assertEquals(want[k], s[k], 4 * want[k] / Math.sqrt(2 * 4000), "scale " + k);
        }
        Shard z = p.project(data, "test");
        assertArrayEquals(new int[] {3}, z.sampleShape());
        assertArrayEquals(data.labels(), z.labels());
        // whitened on the data it was fitted to: mean 0, covariance I
        double[][] cov = new double[3][3];
        double[] mean = new double[3];
        for (int i = 0; i < z.rows(); i++) {
            for (int a = 0; a < 3; a++) {
                mean[a] += z.values()[i * 3 + a] / z.rows();
                for (int b = 0; b < 3; b++) {
                    cov[a][b] += z.values()[i * 3 + a] * (double) z.values()[i * 3 + b] / (z.rows() - 1);
                }
            }
        }
        for (int a = 0; a < 3; a++) {
            assertEquals(0, mean[a], 1e-4);
            for (int b = 0; b < 3; b++) {
                assertEquals(a == b ? 1 : 0, cov[a][b], 1e-3, "cov " + a + "," + b);
            }
        }
        // the data lie in the subspace, so reconstruction gives them back
        float[] back = p.reconstruct(z.values(), z.rows());
        for (int i = 0; i < back.length; i++) {
            assertEquals(data.values()[i], back[i], 1e-4, "value " + i);
        }
    }

    @Test
    void fewerComponentsKeepTheLargestVarianceAndReconstructTheProjection() {
        Shard data = lowRank(2000, 2);
        PcaProjection p = PcaProjection.fit(data, 2);
        // (9 + 4) / (9 + 4 + 0.25) in expectation
        assertEquals(13 / 13.25, p.explainedVariance(), 0.01);
        float[] back = p.reconstruct(p.project(data, "test").values(), data.rows());
        // what is lost is the third direction (axis 7 of the image): its values vanish, the centred others stay
        double lost = 0;
        double kept = 0;
        for (int i = 0; i < data.rows(); i++) {
            lost += Math.pow(back[i * 10 + 7] - 0.7, 2);
            kept += Math.pow(back[i * 10] - data.values()[i * 10], 2);
        }
        assertEquals(0, lost / data.rows(), 1e-3);
        assertEquals(0, kept / data.rows(), 1e-3);
    }

    @Test
    void refusesMoreComponentsThanTheDataSpan() {
        Shard data = lowRank(500, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PcaProjection.fit(data, 4));
        assertTrue(e.getMessage().contains("fewer than 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PcaProjection.fit(data, 11));
    }

    @Test
    void projectingDataOfAnotherSizeNamesTheSource() {
        PcaProjection p = PcaProjection.fit(lowRank(500, 4), 2);
        Shard other = new Shard(new float[12], 2, new int[] {6}, null);
        DataException e = assertThrows(DataException.class, () -> p.project(other, "other.idx"));
        assertTrue(e.getMessage().startsWith("other.idx: rows have 6 values"), e.getMessage());
    }

    @Test
    void fileRoundTripAndBadFiles() throws IOException {
        PcaProjection p = PcaProjection.fit(lowRank(500, 5), 3);
        byte[] b = p.toBytes();
        // magic, rank, 3 dims, m, explained (8), then 10 + 3 + 30 floats
        assertEquals(4 + 4 + 12 + 4 + 8 + 4 * (10 + 3 + 30), b.length);
        PcaProjection q = PcaProjection.read(new ByteArrayInputStream(b), "p.bin");
        assertArrayEquals(p.scales(), q.scales());
        assertArrayEquals(p.sourceShape(), q.sourceShape());
        assertEquals(p.explainedVariance(), q.explainedVariance());
        float[] z = {0.5f, -1f, 2f};
        assertArrayEquals(p.reconstruct(z, 1), q.reconstruct(z, 1));
        IOException trunc = assertThrows(IOException.class,
                () -> PcaProjection.read(new ByteArrayInputStream(Arrays.copyOf(b, b.length - 3)), "p.bin"));
        assertTrue(trunc.getMessage().startsWith("p.bin: truncated"), trunc.getMessage());
        byte[] bad = b.clone();
        bad[0] = 0;
        IOException magic = assertThrows(IOException.class, () -> PcaProjection.read(new ByteArrayInputStream(bad), "p.bin"));
        assertTrue(magic.getMessage().contains("bad magic"), magic.getMessage());
    }
}
