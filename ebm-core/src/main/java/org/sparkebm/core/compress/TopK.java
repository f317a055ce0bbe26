package org.sparkebm.core.compress;

/**
 * Top-k (Definition 1 of the anonymous draft "Memory Efficient EBM Training", 2021): keep the k entries of largest
 * magnitude, zero the rest.
 *
 * <p>k is given as a count or as a density (k = max(1, round(density·d))). Ties in magnitude are broken toward the
 * lower index, so the result is a deterministic function of the input. Selection is an O(d) quickselect on the
 * magnitudes.
 */
public final class TopK implements Compressor {
    private static final long serialVersionUID = 1L;
    private final int count;
    private final double density;

    private TopK(int count, double density) {
        this.count = count;
        this.density = density;
    }

    /** Keeps a fixed number of entries (capped at d). */
    public static TopK ofCount(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k count must be >= 1, got " + k);
        }
        return new TopK(k, Double.NaN);
    }

    /** Keeps a fraction of the entries, density in (0, 1]. */
    public static TopK ofDensity(double density) {
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("top-k density must be in (0, 1], got " + density);
        }
        return new TopK(-1, density);
    }

    /** k for a vector of length d. */
    public int k(int d) {
        int k = count > 0 ? count : (int) Math.max(1, Math.round(density * d));
        return Math.min(k, d);
    }

    @Override
    public Compressed compress(float[] x, float[] residual) {
        float[] v = Compressor.withResidual(x, residual);
        SparseVector c = select(v, k(v.length));
        Compressor.updateResidual(v, c, residual);
        return c;
    }

    static SparseVector select(float[] v, int k) {
        int d = v.length;
        if (k == 0 || d == 0) {
            return new SparseVector(d, new int[0], new float[0]);
        }
        float[] mag = new float[d];
        for (int i = 0; i < d; i++) {
            mag[i] = Math.abs(v[i]);
        }
        float threshold = kthLargest(mag.clone(), k);
        int above = 0;
        for (float m : mag) {
            if (m > threshold) {
                above++;
            }
        }
        int tiesToTake = k - above;
        int[] idx = new int[k];
        float[] val = new float[k];
        int j = 0;
        for (int i = 0; i < d && j < k; i++) {
            if (mag[i] > threshold || (mag[i] == threshold && tiesToTake-- > 0)) {
                idx[j] = i;
                val[j] = v[i];
                j++;
            }
        }
        return new SparseVector(d, idx, val);
    }

    /** The k-th largest value of a (1-based); a is permuted. Hoare quickselect with median-of-three pivots. */
    static float kthLargest(float[] a, int k) {
        int target = a.length - k; // k-th largest = (n-k)-th smallest, 0-based
        int lo = 0;
        int hi = a.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            float pivot = median(a[lo], a[mid], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return a[target];
            }
        }
        return a[target];
    }

    private static float median(float a, float b, float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    @Override
    public long encodedBytesFor(int dim) {
        return -1; // depends on the index gaps
    }

    /**
     * At most {@code 10 + 4k + ceil(k(2 + b)/8)} with {@code b = ceil(log2(d/k))}: with that Rice parameter the gaps,
     * which sum to less than d, cost at most k(1 + b) + d/2^b ≤ k(2 + b) bits, and the encoder picks the best b.
     */
    @Override
    public long encodedBytesBound(int dim) {
        int k = Math.min(dim, count > 0 ? count : (int) Math.max(1, Math.round(density * dim)));
        int b = k == 0 ? 0 : Math.max(0, 64 - Long.numberOfLeadingZeros(((long) dim + k - 1) / k - 1));
        return 10L + 4L * k + ((long) k * (2 + b) + 7) / 8;
    }

    @Override
    public String describe() {
        return count > 0 ? "topk(k=" + count + ")" : "topk(" + density + ")";
    }
}
