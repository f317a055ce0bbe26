package org.sparkebm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IdxReaderTest {
    static byte[] images(int n, int rows, int cols, int magic) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
        b.putInt(magic).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n * rows * cols; i++) {
            b.put((byte) (i % 256));
        }
        return b.array();
    }

    static byte[] labels(int... l) {
        ByteBuffer b = ByteBuffer.allocate(8 + l.length);
        b.putInt(IdxReader.LABEL_MAGIC).putInt(l.length);
        for (int v : l) {
            b.put((byte) v);
        }
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(o)) {
            z.write(raw);
        }
        return o.toByteArray();
    }

    @Test
    void readsPlainAndGzipAndScalesToMinusOneOne() throws IOException {
        for (byte[] raw : new byte[][] {images(3, 4, 4, 2051), gzip(images(3, 4, 4, 2051))}) {
            IdxReader.Images img = IdxReader.readImages(new ByteArrayInputStream(raw), "x", 0);
            Shard d = IdxReader.toDataset(img, null, "x", 4, 4, null, null);
            assertEquals(3, d.rows());
            assertArrayEquals(new int[] {1, 4, 4}, d.sampleShape());
            assertEquals(-1f, d.values()[0], 0f);
            assertEquals(15 / 127.5f - 1f, d.values()[15], 1e-6f);
            assertEquals(47 / 127.5f - 1f, d.values()[47], 1e-6f);
        }
    }

    /** A file whose header claims {@code claimed} images of 28×28 but holds only {@code held}. */
    static byte[] lying(int claimed, int held) {
        byte[] b = images(held, 28, 28, IdxReader.IMAGE_MAGIC);
        ByteBuffer.wrap(b).putInt(4, claimed);
        return b;
    }

    @Test
    void aHeaderClaimingMoreThanTheFileHoldsIsNamedWithoutAllocatingTheClaim() throws IOException {
        for (int claimed : new int[] {11, 100_000_000, Integer.MAX_VALUE}) {
            for (boolean gz : new boolean[] {false, true}) {
                byte[] raw = gz ? gzip(lying(claimed, 10)) : lying(claimed, 10);
                DataException e = assertThrows(DataException.class,
                        () -> IdxReader.readImages(new ByteArrayInputStream(raw), "lie.idx", 0), claimed + " " + gz);
                assertTrue(e.getMessage().contains("lie.idx") && e.getMessage().contains(String.valueOf(claimed)),
                        e.getMessage());
            }
        }
        // within the limit the file is fine: data.limit reads the first images only
        assertEquals(5, IdxReader.readImages(new ByteArrayInputStream(lying(100_000_000, 10)), "lie.idx", 5).count());
        byte[] lab = labels(1, 2, 3);
        ByteBuffer.wrap(lab).putInt(4, 100_000_000);
        DataException l = assertThrows(DataException.class,
                () -> IdxReader.readLabels(new ByteArrayInputStream(lab), "lie-labels", 0));
        assertTrue(l.getMessage().contains("lie-labels") && l.getMessage().contains("holds 3"), l.getMessage());
    }

    @Test
    void classFilterAndPerClassCounts() throws IOException {
        IdxReader.Images img = IdxReader.readImages(new ByteArrayInputStream(images(8, 2, 2, 2051)), "x", 0);
        int[] lab = IdxReader.readLabels(new ByteArrayInputStream(labels(1, 7, 1, 8, 1, 7, 1, 8)), "y", 0);
        Shard d = IdxReader.toDataset(img, lab, "x", 2, 2, new int[] {1, 8}, new int[] {3, 1});
        assertArrayEquals(new int[] {1, 1, 8, 1}, d.labels());
        DataException e = assertThrows(DataException.class,
                () -> IdxReader.toDataset(img, lab, "x.gz", 2, 2, new int[] {7}, new int[] {5}));
        assertTrue(e.getMessage().contains("x.gz") && e.getMessage().contains("class 7 has only 2"), e.getMessage());
    }

    @Test
    void wrongMagicTruncationAndWrongSizeAreNamed() throws IOException {
        DataException magic = assertThrows(DataException.class,
                () -> IdxReader.readImages(new ByteArrayInputStream(labels(1, 2)), "f.idx", 0));
        assertTrue(magic.getMessage().contains("f.idx") && magic.getMessage().contains("label file"), magic.getMessage());
        byte[] full = gzip(images(10, 28, 28, 2051));
        byte[] cut = java.util.Arrays.copyOf(full, full.length / 2);
        DataException trunc = assertThrows(DataException.class,
                () -> IdxReader.readImages(new ByteArrayInputStream(cut), "t.gz", 0));
        assertTrue(trunc.getMessage().contains("t.gz"), trunc.getMessage());
        IdxReader.Images small = IdxReader.readImages(new ByteArrayInputStream(images(2, 8, 8, 2051)), "s", 0);
        DataException size = assertThrows(DataException.class, () -> IdxReader.toDataset(small, null, "s.idx", 28, 28, null, null));
        assertTrue(size.getMessage().contains("8x8") && size.getMessage().contains("28x28"), size.getMessage());
    }

    @Test
    void nanInDataIsNamedWithRowAndColumn() {
        float[] v = {1, 2, 3, Float.NaN};
        DataException e = assertThrows(DataException.class, () -> new Shard(v, 2, new int[] {2}, null).requireFinite("d.csv"));
        assertTrue(e.getMessage().contains("d.csv") && e.getMessage().contains("row 1, column 1"), e.getMessage());
    }

    @Test
    void shardsPartitionTheRows() {
        Shard d = Synthetic.rings(10, 0.1, new java.util.SplittableRandom(1));
        int total = 0;
        for (int p = 0; p < 3; p++) {
            total += d.shard(p, 3).rows();
        }
        assertEquals(10, total);
        assertEquals(d.values()[2 * 4], d.shard(1, 3).values()[2], 0f); // row 4 is device 1's second row
        assertThrows(IllegalArgumentException.class, () -> d.shard(0, 11));
    }
}
