package org.sparkebm.core.compress;

/**
 * Bit-level writer/reader with Golomb-Rice codes, for the Top-k index gaps.
 *
 * <p>Hand-written because neither ND4J nor the JDK offers entropy coding of integers; it is ~60 lines and exact
 * byte counts depend on it. Bits are written most significant first within each byte.
 */
final class BitWriter {
    private final byte[] buf;
    private long pos; // in bits

    BitWriter(byte[] buf, int byteOffset) {
        this.buf = buf;
        this.pos = 8L * byteOffset;
    }

    void writeBit(int bit) {
        if (bit != 0) {
            buf[(int) (pos >>> 3)] |= (byte) (0x80 >>> (pos & 7));
        }
        pos++;
    }

    void writeBits(long value, int n) {
        for (int i = n - 1; i >= 0; i--) {
            writeBit((int) ((value >>> i) & 1));
        }
    }

    /** Rice code with parameter b: quotient in unary (ones then a zero), then b low bits. */
    void writeRice(long value, int b) {
        long q = value >>> b;
        for (long i = 0; i < q; i++) {
            writeBit(1);
        }
        writeBit(0);
        writeBits(value, b);
    }

    /** Bits a Rice code of {@code value} with parameter {@code b} takes. */
    static long riceBits(long value, int b) {
        return (value >>> b) + 1 + b;
    }

    static final class Reader {
        private final byte[] buf;
        private final long end;
        private long pos;

        Reader(byte[] buf, int byteOffset, int byteEnd) {
            this.buf = buf;
            this.pos = 8L * byteOffset;
            this.end = 8L * byteEnd;
        }

        int readBit() {
            if (pos >= end) {
                throw new IllegalArgumentException("sparse message: index stream truncated");
            }
            int bit = (buf[(int) (pos >>> 3)] >>> (7 - (pos & 7))) & 1;
            pos++;
            return bit;
        }

        long readBits(int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 1) | readBit();
            }
            return v;
        }

        long readRice(int b) {
            long q = 0;
            while (readBit() == 1) {
                q++;
            }
            return (q << b) | readBits(b);
        }
    }
}
