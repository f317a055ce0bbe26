package org.sparkebm.core.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * How raw feature rows become the model's inputs: which named columns, in which order, and an affine map
 * x ↦ (x − mean) / scale per feature. Fitted once on the training data and kept in the model file, so scoring
 * new data applies exactly the training transform.
 *
 * @param columns feature column names in input order, or {@code null} when the features came as one vector
 *                (images, a Spark ML vector column, synthetic data)
 * @param mean    per-feature offset (length d); read only
 * @param scale   per-feature divisor (length d, all &gt; 0); read only
 */
public record FeatureScaling(List<String> columns, float[] mean, float[] scale) implements Serializable {

    public FeatureScaling {
        if (mean.length != scale.length) {
            throw new IllegalArgumentException(mean.length + " means but " + scale.length + " scales");
        }
        if (columns != null && columns.size() != mean.length) {
            throw new IllegalArgumentException(columns.size() + " column names for " + mean.length + " features");
        }
        for (float s : scale) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("scale " + s + " is not positive and finite");
            }
        }
        columns = columns == null ? null : List.copyOf(columns);
    }

    /** The identity map on d features. */
    public static FeatureScaling identity(List<String> columns, int d) {
        float[] one = new float[d];
        Arrays.fill(one, 1f);
        return new FeatureScaling(columns, new float[d], one);
    }

    /**
     * Standardisation from per-feature moments; a constant feature (std 0) keeps scale 1, so it maps to 0
     * rather than dividing by zero.
     */
    public static FeatureScaling standardize(List<String> columns, double[] mean, double[] std) {
        float[] m = new float[mean.length];
        float[] s = new float[mean.length];
        for (int j = 0; j < m.length; j++) {
            m[j] = (float) mean[j];
            s[j] = std[j] > 0 && Double.isFinite(std[j]) ? (float) std[j] : 1f;
        }
        return new FeatureScaling(columns, m, s);
    }

    public int dim() {
        return mean.length;
    }

    public boolean isIdentity() {
        for (int j = 0; j < mean.length; j++) {
            if (mean[j] != 0f || scale[j] != 1f) {
                return false;
            }
        }
        return true;
    }

    /**
     * Applies the map in place to {@code rows} row-major rows of {@link #dim()} floats.
     *
     * @param values written: the rows, transformed in place
     */
    public void applyInPlace(float[] values, int rows) {
        int d = mean.length;
        if (values.length < rows * d) {
            throw new IllegalArgumentException(values.length + " floats cannot hold " + rows + " rows of " + d);
        }
        if (isIdentity()) {
            return;
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < d; j++) {
                values[i * d + j] = (values[i * d + j] - mean[j]) / scale[j];
            }
        }
    }
}
