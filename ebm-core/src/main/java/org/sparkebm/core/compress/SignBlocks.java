package org.sparkebm.core.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The output of Block-Sign: per block B one scale {@code ||v_B||_1 / |B|} and one sign bit per coordinate.
 *
 * <p>Encoding: tag (1), dim (int32), block size (int32), M fp32 scales, then {@code ceil(dim/8)} bytes of sign
 * bits (1 = negative, most significant bit first). Size {@code 9 + 4M + ceil(dim/8)}: the W3 floor
 * {@code d + 32·ceil(d/256)} bits plus 9 header bytes and at most 7 bits of padding.
 */
public final class SignBlocks implements Compressed {
    private final int dim;
    private final int blockSize;
    private final float[] scales;
    private final byte[] negative; // bit-packed

    SignBlocks(int dim, int blockSize, float[] scales, byte[] negative) {
        this.dim = dim;
        this.blockSize = blockSize;
        this.scales = scales;
        this.negative = negative;
    }

    /** Number of blocks M. */
    public static int blocks(int dim, int blockSize) {
        return (dim + blockSize - 1) / blockSize;
    }

    @Override
    public int dim() {
        return dim;
    }

    /** Scale of block b. */
    public float scale(int b) {
        return scales[b];
    }

    /** Whether coordinate i decodes negative. */
    public boolean isNegative(int i) {
        return ((negative[i >>> 3] >>> (7 - (i & 7))) & 1) != 0;
    }

    @Override
    public void addTo(float[] acc, float scale) {
        if (acc.length != dim) {
            throw new IllegalArgumentException("dimension " + acc.length + " != " + dim);
        }
        for (int b = 0; b < scales.length; b++) {
            // ±s by flipping the sign bit (exactly −s), without a branch per coordinate
            int sBits = Float.floatToRawIntBits(scale * scales[b]);
            int end = Math.min(dim, (b + 1) * blockSize);
            for (int i = b * blockSize; i < end; i++) {
                int bit = (negative[i >>> 3] >>> (7 - (i & 7))) & 1;
                acc[i] += Float.intBitsToFloat(sBits ^ (bit << 31));
            }
        }
    }

    /** {@inheritDoc} {@code from} must be a multiple of the block size and of 8 (whole blocks, whole sign bytes). */
    @Override
    public SignBlocks slice(int from, int to) {
        Compressed.checkRange(from, to, dim);
        if (from % blockSize != 0 || from % 8 != 0) {
            throw new IllegalArgumentException("a Block-Sign slice must start at a multiple of the block size "
                    + blockSize + " and of 8, not at " + from);
        }
        int len = to - from;
        int b0 = from / blockSize;
        float[] s = Arrays.copyOfRange(scales, b0, b0 + blocks(len, blockSize));
        byte[] neg = Arrays.copyOfRange(negative, from >>> 3, (from >>> 3) + (len + 7) / 8);
        int tail = len & 7;
        if (tail != 0) {
            // bits past the slice's end belong to the next coordinates: cleared, as an encoder leaves them
            neg[neg.length - 1] &= (byte) (0xFF << (8 - tail));
        }
        return new SignBlocks(len, blockSize, s, neg);
    }

    @Override
    public int encodedBytes() {
        return 9 + 4 * scales.length + (dim + 7) / 8;
    }

    @Override
    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(encodedBytes()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(TAG_SIGN_BLOCKS).putInt(dim).putInt(blockSize);
        for (float s : scales) {
            out.putFloat(s);
        }
        out.put(negative);
        return out.array();
    }

    static SignBlocks read(ByteBuffer in) {
        if (in.remaining() < 8) {
            throw new IllegalArgumentException("sign-block message: header truncated");
        }
        int dim = in.getInt();
        int block = in.getInt();
        if (dim < 0 || block <= 0) {
            throw new IllegalArgumentException("sign-block message: bad header dim=" + dim + " block=" + block);
        }
        int m = blocks(dim, block);
        int signBytes = (dim + 7) / 8;
        if (in.remaining() != 4L * m + signBytes) {
            throw new IllegalArgumentException("sign-block message: expected " + (4L * m + signBytes)
                    + " bytes after the header, found " + in.remaining());
        }
        float[] scales = new float[m];
        for (int b = 0; b < m; b++) {
            scales[b] = in.getFloat();
        }
        byte[] neg = new byte[signBytes];
        in.get(neg);
        return new SignBlocks(dim, block, scales, neg);
    }
}
