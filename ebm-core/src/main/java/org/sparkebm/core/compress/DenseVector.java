package org.sparkebm.core.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** An uncompressed fp32 vector. Encoding: tag, dim (int32), dim fp32 values: {@code 5 + 4·dim} bytes. */
public final class DenseVector implements Compressed {
    private final float[] values;

    /** Takes ownership of {@code values}; the caller must not write it afterwards. */
    public DenseVector(float[] values) {
        this.values = values;
    }

    @Override
    public int dim() {
        return values.length;
    }

    @Override
    public void addTo(float[] acc, float scale) {
        if (acc.length != values.length) {
            throw new IllegalArgumentException("dimension " + acc.length + " != " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            acc[i] += scale * values[i];
        }
    }

    @Override
    public DenseVector slice(int from, int to) {
        Compressed.checkRange(from, to, values.length);
        return new DenseVector(Arrays.copyOfRange(values, from, to));
    }

    @Override
    public int encodedBytes() {
        return encodedBytesFor(values.length);
    }

    /** The encoded size of a dense vector of {@code dim} floats: a tag, the length, the floats. */
    public static int encodedBytesFor(int dim) {
        return 5 + 4 * dim;
    }

    @Override
    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(encodedBytes()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(TAG_DENSE).putInt(values.length);
        out.asFloatBuffer().put(values);
        return out.array();
    }

    static DenseVector read(ByteBuffer in) {
        int dim = in.getInt();
        if (dim < 0 || in.remaining() != 4L * dim) {
            throw new IllegalArgumentException("dense message: dim " + dim + " but " + in.remaining() + " bytes left");
        }
        float[] v = new float[dim];
        in.asFloatBuffer().get(v);
        return new DenseVector(v);
    }
}
