package org.sparkebm.core.util;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Java arrays into INDArrays by one bulk NIO copy. ND4J M2.1's {@code Nd4j.create(float[], …)} and
 * {@code DataBuffer.setData} copy element by element, which sampling showed to dominate small-model rounds.
 */
public final class NdArrays {
    private NdArrays() {}

    /** A new c-order FLOAT array of the given shape holding {@code v} (read). */
    public static INDArray of(float[] v, long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        if (a.length() != v.length) {
            throw new IllegalArgumentException(v.length + " values for shape " + Arrays.toString(shape));
        }
        fill(a, v);
        return a;
    }

    /** Copies {@code v} (read) into {@code dst} (written), a c-order, offset-0 FLOAT or DOUBLE array of equal length. */
    public static void fill(INDArray dst, float[] v) {
        check(dst, v.length);
        if (dst.dataType() == DataType.FLOAT) {
            dst.data().asNioFloat().put(v, 0, v.length);
        } else {
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            dst.data().asNioDouble().put(d, 0, d.length);
        }
    }

    /** Copies {@code v} (read) into {@code dst} (written), a c-order, offset-0 DOUBLE or FLOAT array. */
    public static void fill(INDArray dst, double[] v) {
        check(dst, v.length);
        if (dst.dataType() == DataType.DOUBLE) {
            dst.data().asNioDouble().put(v, 0, v.length);
        } else {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            dst.data().asNioFloat().put(f, 0, f.length);
        }
    }

    private static void check(INDArray dst, int n) {
        if (dst.length() != n || dst.ordering() != 'c' || dst.isView() || dst.offset() != 0) {
            throw new IllegalArgumentException("bulk fill needs a fresh c-order array of length " + n);
        }
    }
}
