package org.sparkebm.core.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A compressed vector C(v) together with its compact binary encoding.
 *
 * <p>Every implementation is immutable once built: the arrays it holds are never handed out for writing. The
 * encoding is little-endian and starts with a one-byte tag and the dimension, so {@link #decode(byte[])} needs no
 * other context. {@link #encodedBytes()} equals {@code encode().length} exactly and is computed without encoding.
 */
public sealed interface Compressed permits DenseVector, SparseVector, SignBlocks {
    byte TAG_DENSE = 0;
    byte TAG_SPARSE = 1;
    byte TAG_SIGN_BLOCKS = 2;

    /** Length of the decoded vector. */
    int dim();

    /** acc += scale * C(v). {@code acc} is written; length must be {@link #dim()}. */
    void addTo(float[] acc, float scale);

    /**
     * Coordinates {@code [from, to)} as a vector of their own (dimension {@code to − from}), in the same form, so a
     * slice travels as compact as the whole: for every i in range, {@code slice(from, to).addTo(acc', s)} adds to
     * {@code acc'[i − from]} exactly the float {@code addTo(acc, s)} adds to {@code acc[i]}. A Block-Sign vector
     * slices only where {@code from} is a multiple of {@link Compressor#sliceAlignment()}.
     *
     * @throws IllegalArgumentException for a range outside [0, dim] or, for Block-Sign, not aligned
     */
    Compressed slice(int from, int to);

    /** Checks {@code 0 <= from <= to <= dim}. */
    static void checkRange(int from, int to, int dim) {
        if (from < 0 || to < from || to > dim) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside [0, " + dim + ")");
        }
    }

    /** The decoded vector, a new array. */
    default float[] toDense() {
        float[] out = new float[dim()];
        addTo(out, 1f);
        return out;
    }

    /** Exact size in bytes of {@link #encode()}. */
    int encodedBytes();

    /** The compact binary encoding. */
    byte[] encode();

    /** Decodes what {@link #encode()} wrote. Throws {@link IllegalArgumentException} on malformed input. */
    static Compressed decode(byte[] bytes) {
        if (bytes.length < 5) {
            throw new IllegalArgumentException("compressed message too short: " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte tag = in.get();
        return switch (tag) {
            case TAG_DENSE -> DenseVector.read(in);
            case TAG_SPARSE -> SparseVector.read(in);
            case TAG_SIGN_BLOCKS -> SignBlocks.read(in);
            default -> throw new IllegalArgumentException("unknown compressed message tag " + tag);
        };
    }
}
