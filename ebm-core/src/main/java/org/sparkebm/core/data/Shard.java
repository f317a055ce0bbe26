package org.sparkebm.core.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Rows of samples held as one row-major fp32 array, with the shape of one sample and optional labels: a device's
 * shard of the training data, or any set of samples (a data set read whole, chains, test images).
 *
 * <p>Immutable by convention: nothing in the project writes {@link #values()} after construction.
 *
 * @param values      row-major, {@code rows * dim()} floats
 * @param rows        number of samples
 * @param sampleShape shape of one sample, e.g. {@code {50}} or {@code {1, 28, 28}} (C, H, W)
 * @param labels      class labels, one per row, or {@code null}
 */
public record Shard(float[] values, int rows, int[] sampleShape, int[] labels) implements Serializable {

    public Shard {
        long d = 1;
        for (int s : sampleShape) {
            if (s <= 0) {
                throw new IllegalArgumentException("sample shape " + Arrays.toString(sampleShape) + " has a non-positive size");
            }
            d *= s;
        }
        if ((long) rows * d != values.length) {
            throw new IllegalArgumentException("values hold " + values.length + " floats, expected " + rows + " x " + d);
        }
        if (labels != null && labels.length != rows) {
            throw new IllegalArgumentException(labels.length + " labels for " + rows + " rows");
        }
    }

    /** Floats per sample. */
    public int dim() {
        int d = 1;
        for (int s : sampleShape) {
            d *= s;
        }
        return d;
    }

    /** Rows {@code p, p+parts, p+2·parts, …}: the shard of device p out of {@code parts}. */
    public Shard shard(int p, int parts) {
        if (parts < 1 || p < 0 || p >= parts) {
            throw new IllegalArgumentException("shard " + p + " of " + parts);
        }
        if (parts > rows) {
            throw new IllegalArgumentException(parts + " devices but only " + rows + " rows of data");
        }
        int[] idx = new int[(rows - p + parts - 1) / parts];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = p + j * parts;
        }
        return rows(idx);
    }

    /** The rows at {@code idx} (read), in that order, with their labels: a new data set. */
    public Shard rows(int[] idx) {
        int d = dim();
        float[] v = new float[idx.length * d];
        int[] l = labels == null ? null : new int[idx.length];
        for (int j = 0; j < idx.length; j++) {
            System.arraycopy(values, idx[j] * d, v, j * d, d);
            if (l != null) {
                l[j] = labels[idx[j]];
            }
        }
        return new Shard(v, idx.length, sampleShape.clone(), l);
    }

    /** Throws naming {@code source} if any value is NaN or infinite. */
    public Shard requireFinite(String source) {
        int d = dim();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new DataException(source + ": non-finite value " + values[i] + " at row " + (i / d)
                        + ", column " + (i % d));
            }
        }
        return this;
    }
}
