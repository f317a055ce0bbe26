package org.sparkebm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link IdxReader#readRows} reads the wanted records and skips the others without reading them. */
class IdxRowsTest {
    static byte[] file(int n) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * 4);
        b.putInt(IdxReader.IMAGE_MAGIC).putInt(n).putInt(2).putInt(2);
        for (int i = 0; i < n * 4; i++) {
            b.put((byte) (i / 4));
        }
        return b.array();
    }

    /** Counts the bytes actually read (a skip is not a read). */
    static final class Counting extends FilterInputStream {
        long read;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            read += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int k = super.read(buf, off, len);
            read += Math.max(0, k);
            return k;
        }
    }

    @Test
    void readsTheWantedRecordsOnly() {
        byte[] f = file(100_000);
        Counting in = new Counting(new ByteArrayInputStream(f));
        IdxReader.Images img = IdxReader.readRows(in, "f", new int[] {3, 50_000, 99_999});
        assertEquals(3, img.count());
        assertArrayEquals(new byte[] {3, 3, 3, 3, 80, 80, 80, 80, (byte) 159, (byte) 159, (byte) 159, (byte) 159},
                img.pixels());
        // the header, and at most one 64 KiB buffer around each wanted record; the file is 400 kB
        assertTrue(in.read < 3 * (1 << 16) + 16, "read " + in.read + " bytes of " + f.length);
    }

    @Test
    void truncatedFilesAndBadRowsAreRefused() {
        byte[] f = Arrays.copyOf(file(10), 16 + 9 * 4);
        DataException e = assertThrows(DataException.class, () -> IdxReader.readRows(new ByteArrayInputStream(f), "f.idx",
                new int[] {9}));
        assertTrue(e.getMessage().startsWith("f.idx: truncated"), e.getMessage());
        assertEquals(1, IdxReader.readRows(new ByteArrayInputStream(f), "f", new int[] {8}).count());
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readRows(new ByteArrayInputStream(file(10)), "f",
                new int[] {5, 4}));
        assertThrows(DataException.class, () -> IdxReader.readRows(new ByteArrayInputStream(new byte[] {1, 2}), "f",
                new int[0]));
        assertEquals(0, IdxReader.readRows(new ByteArrayInputStream(file(0)), "f", new int[0]).count());
    }
}
