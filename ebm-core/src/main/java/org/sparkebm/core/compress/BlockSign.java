package org.sparkebm.core.compress;

/**
 * Block-Sign (Definition 2 of the anonymous draft "Memory Efficient EBM Training", 2021): per block B,
 * {@code sign(x_B) · ||x_B||_1 / |B|}.
 *
 * <p>Signs are bit-packed, so a coordinate can only decode to ±scale: we take sign(0) = +1. The block's l1 norm
 * is then preserved exactly ({@code |B| · scale = ||x_B||_1}), an all-zero block still decodes to zero, and any
 * difference from the sign(0) = 0 convention is carried by the error-feedback residual.
 */
public final class BlockSign implements Compressor {
    private static final long serialVersionUID = 1L;
    private final int blockSize;

    public BlockSign(int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block-sign block size must be >= 1, got " + blockSize);
        }
        this.blockSize = blockSize;
    }

    public int blockSize() {
        return blockSize;
    }

    @Override
    public Compressed compress(float[] x, float[] residual) {
        float[] v = Compressor.withResidual(x, residual);
        int d = v.length;
        int m = SignBlocks.blocks(d, blockSize);
        float[] scales = new float[m];
        byte[] neg = new byte[(d + 7) / 8];
        for (int b = 0; b < m; b++) {
            int start = b * blockSize;
            int end = Math.min(d, start + blockSize);
            double l1 = 0;
            for (int i = start; i < end; i++) {
                l1 += Math.abs(v[i]);
                if (v[i] < 0) {
                    neg[i >>> 3] |= (byte) (0x80 >>> (i & 7));
                }
            }
            scales[b] = (float) (l1 / (end - start));
        }
        SignBlocks c = new SignBlocks(d, blockSize, scales, neg);
        Compressor.updateResidual(v, c, residual);
        return c;
    }

    /** Whole blocks and whole sign bytes: the least common multiple of the block size and 8. */
    @Override
    public int sliceAlignment() {
        int g = blockSize;
        for (int b = 8; b != 0; ) {
            int t = g % b;
            g = b;
            b = t;
        }
        return blockSize / g * 8;
    }

    @Override
    public long encodedBytesFor(int dim) {
        return 9L + 4L * SignBlocks.blocks(dim, blockSize) + (dim + 7) / 8;
    }

    @Override
    public String describe() {
        return "blocksign(" + blockSize + ")";
    }
}
