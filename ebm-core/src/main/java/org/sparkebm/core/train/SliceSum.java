package org.sparkebm.core.train;

import org.sparkebm.core.compress.Compressed;

/**
 * The one arithmetic by which device messages are combined, over a range of coordinates: devices are added one at
 * a time in partition order, each coordinate with the same float or double operations whether the range is the
 * whole vector (on the driver) or one slice of it (on an executor). Sums over disjoint ranges therefore put
 * together the same floats as one sum over all of them.
 *
 * <p>Call order: construct, {@link #add} once per device in ascending partition order, then read {@link #result()}
 * (and {@link #modelResult()} in {@link Mode#JARZYNSKI_SPLIT}).
 */
public final class SliceSum {

    /** What a round combines. */
    public enum Mode {
        /** Σ_p Δ^p in fp32 (contrastive methods, with or without privacy). */
        SUM,
        /** Σ_p (n_p/n)·data_p − w_p·model_p, accumulated in double, device by device. */
        JARZYNSKI,
        /** Jarzynski under privacy: the fp32 sum of the data parts (the driver clips the sum and noises it) and,
         * apart, Σ_p −w_p·model_p accumulated in double. */
        JARZYNSKI_SPLIT;

        /** The mode a run needs. */
        public static Mode of(org.sparkebm.core.config.RunConfig config) {
            if (config.method() != org.sparkebm.core.config.Method.JARZYNSKI) {
                return SUM;
            }
            return config.privacy().enabled() ? JARZYNSKI_SPLIT : JARZYNSKI;
        }
    }

    private final Mode mode;
    private final JarzynskiWeights weights;
    private final float[] sum;
    private final double[] acc;
    private int last = -1;

    /**
     * @param length  coordinates in the range
     * @param weights the round's combined weights (Jarzynski modes), or null
     */
    public SliceSum(Mode mode, int length, JarzynskiWeights weights) {
        if (mode != Mode.SUM && weights == null) {
            throw new IllegalArgumentException(mode + " needs the round's Jarzynski weights");
        }
        this.mode = mode;
        this.weights = weights;
        this.sum = mode == Mode.JARZYNSKI ? null : new float[length];
        this.acc = mode == Mode.SUM ? null : new double[length];
    }

    /**
     * Adds device {@code p}'s part of the range. {@code delta} (the data part under Jarzynski) and {@code model}
     * (Jarzynski only, else null) are read; their dimension must be the range's length.
     */
    public void add(int p, Compressed delta, Compressed model, WeightStats w) {
        if (p <= last) {
            throw new IllegalStateException("device " + p + " added after device " + last + ": not in partition order");
        }
        last = p;
        switch (mode) {
            case SUM -> add(delta);
            case JARZYNSKI -> {
                addScaled(delta, weights.dataCoefficient(w));
                addScaled(model, weights.modelCoefficient(w));
            }
            case JARZYNSKI_SPLIT -> {
                add(delta);
                addScaled(model, weights.modelCoefficient(w));
            }
        }
    }

    private void add(Compressed c) {
        check(c, sum.length);
        c.addTo(sum, 1f);
    }

    private void addScaled(Compressed c, double scale) {
        check(c, acc.length);
        float[] v = c.toDense();
        for (int i = 0; i < acc.length; i++) {
            acc[i] += scale * v[i];
        }
    }

    private static void check(Compressed c, int length) {
        if (c.dim() != length) {
            throw new IllegalStateException("device update has dimension " + c.dim() + ", expected " + length);
        }
    }

    /** The fp32 sum (SUM, JARZYNSKI_SPLIT's data parts) or the Jarzynski gradient; a new array. */
    public float[] result() {
        return mode == Mode.JARZYNSKI ? toFloat(acc) : sum.clone();
    }

    /** JARZYNSKI_SPLIT: Σ_p −w_p·model_p rounded to fp32; a new array. */
    public float[] modelResult() {
        if (mode != Mode.JARZYNSKI_SPLIT) {
            throw new IllegalStateException("only " + Mode.JARZYNSKI_SPLIT + " keeps the model parts apart");
        }
        return toFloat(acc);
    }

    private static float[] toFloat(double[] a) {
        float[] g = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            g[i] = (float) a[i];
        }
        return g;
    }

    /** The private Jarzynski gradient: the driver's data part plus the model parts, in fp32. Both read. */
    public static float[] plus(float[] dataPart, float[] modelPart) {
        if (dataPart.length != modelPart.length) {
            throw new IllegalArgumentException("data part has dimension " + dataPart.length + ", θ has " + modelPart.length);
        }
        float[] g = new float[dataPart.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = dataPart[i] + modelPart[i];
        }
        return g;
    }
}
