package org.sparkebm.core.compress;

import java.util.Arrays;

/** No compression: C(x) = x, sent as dense fp32. The residual, if any, is folded in and left at zero. */
public final class Identity implements Compressor {
    private static final long serialVersionUID = 1L;

    @Override
    public Compressed compress(float[] x, float[] residual) {
        float[] v = Compressor.withResidual(x, residual);
        if (residual != null) {
            Arrays.fill(residual, 0f);
        }
        return new DenseVector(v);
    }

    @Override
    public void projectInPlace(float[] v, int offset, int len) {
        // identity
    }

    @Override
    public long encodedBytesFor(int dim) {
        return 5L + 4L * dim;
    }

    @Override
    public String describe() {
        return "none";
    }
}
