package org.sparkebm.core.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A sparse vector (the output of Top-k): strictly increasing indices and their fp32 values.
 *
 * <p>Encoding: tag (1), dim (int32), k (int32), Rice parameter b (1), k fp32 values, then the k index gaps
 * {@code g_0 = i_0, g_j = i_j - i_{j-1} - 1} Golomb-Rice coded with parameter b, padded to a byte. b is chosen
 * to minimise the total length. Size: {@code 10 + 4k + ceil(sum_j ((g_j >> b) + 1 + b) / 8)} bytes; for gaps of
 * mean m this is close to the entropy floor of a geometric source (about log2(m) + 1.5 bits per index).
 */
public final class SparseVector implements Compressed {
    private static final int HEADER = 10;
    private final int dim;
    private final int[] indices;
    private final float[] values;
    private final int riceParam;
    private final long indexBits;

    /** Takes ownership of both arrays; {@code indices} must be strictly increasing and within [0, dim). */
    public SparseVector(int dim, int[] indices, float[] values) {
        if (indices.length != values.length) {
            throw new IllegalArgumentException("indices and values differ in length");
        }
        for (int j = 0; j < indices.length; j++) {
            int prev = j == 0 ? -1 : indices[j - 1];
            if (indices[j] <= prev || indices[j] >= dim) {
                throw new IllegalArgumentException("index " + indices[j] + " at position " + j + " out of order or range");
            }
        }
        this.dim = dim;
        this.indices = indices;
        this.values = values;
        int bestB = 0;
        long best = Long.MAX_VALUE;
        for (int b = 0; b < 31; b++) {
            long bits = 0;
            for (int j = 0; j < indices.length; j++) {
                bits += BitWriter.riceBits(gap(j), b);
            }
            if (bits < best) {
                best = bits;
                bestB = b;
            }
        }
        this.riceParam = bestB;
        this.indexBits = indices.length == 0 ? 0 : best;
    }

    private long gap(int j) {
        return j == 0 ? indices[0] : (long) indices[j] - indices[j - 1] - 1;
    }

    @Override
    public int dim() {
        return dim;
    }

    /** Number of kept entries. */
    public int size() {
        return indices.length;
    }

    /** The index of kept entry j. */
    public int index(int j) {
        return indices[j];
    }

    /** The value of kept entry j. */
    public float value(int j) {
        return values[j];
    }

    /** The Rice parameter the encoding uses. */
    public int riceParam() {
        return riceParam;
    }

    @Override
    public void addTo(float[] acc, float scale) {
        if (acc.length != dim) {
            throw new IllegalArgumentException("dimension " + acc.length + " != " + dim);
        }
        for (int j = 0; j < indices.length; j++) {
            acc[indices[j]] += scale * values[j];
        }
    }

    @Override
    public SparseVector slice(int from, int to) {
        Compressed.checkRange(from, to, dim);
        int lo = Arrays.binarySearch(indices, from);
        lo = lo >= 0 ? lo : -lo - 1;
        int hi = Arrays.binarySearch(indices, to);
        hi = hi >= 0 ? hi : -hi - 1;
        int[] idx = new int[hi - lo];
        for (int j = lo; j < hi; j++) {
            idx[j - lo] = indices[j] - from;
        }
        return new SparseVector(to - from, idx, Arrays.copyOfRange(values, lo, hi));
    }

    @Override
    public int encodedBytes() {
        return Math.toIntExact(HEADER + 4L * indices.length + (indexBits + 7) / 8);
    }

    @Override
    public byte[] encode() {
        byte[] out = new byte[encodedBytes()];
        ByteBuffer bb = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(TAG_SPARSE).putInt(dim).putInt(indices.length).put((byte) riceParam);
        for (float v : values) {
            bb.putFloat(v);
        }
        BitWriter w = new BitWriter(out, bb.position());
        for (int j = 0; j < indices.length; j++) {
            w.writeRice(gap(j), riceParam);
        }
        return out;
    }

    static SparseVector read(ByteBuffer in) {
        if (in.remaining() < HEADER - 1) {
            throw new IllegalArgumentException("sparse message: header truncated");
        }
        int dim = in.getInt();
        int k = in.getInt();
        int b = in.get();
        if (dim < 0 || k < 0 || k > dim || b < 0 || b > 30 || in.remaining() < 4L * k) {
            throw new IllegalArgumentException("sparse message: bad header dim=" + dim + " k=" + k + " b=" + b);
        }
        float[] values = new float[k];
        for (int j = 0; j < k; j++) {
            values[j] = in.getFloat();
        }
        BitWriter.Reader r = new BitWriter.Reader(in.array(), in.position(), in.limit());
        int[] idx = new int[k];
        long prev = -1;
        for (int j = 0; j < k; j++) {
            long i = prev + 1 + r.readRice(b);
            if (i >= dim) {
                throw new IllegalArgumentException("sparse message: index " + i + " >= dim " + dim);
            }
            idx[j] = (int) i;
            prev = i;
        }
        return new SparseVector(dim, idx, values);
    }
}
