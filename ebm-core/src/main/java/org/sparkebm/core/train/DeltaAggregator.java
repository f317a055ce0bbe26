package org.sparkebm.core.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sparkebm.core.compress.Compressed;

/**
 * The mergeable object a {@code treeAggregate} folds device results into.
 *
 * <p>It keeps each device's encoded Δ^p keyed by partition and sums them only in {@link #mean(int)}, in partition
 * order. So the aggregate is bit-for-bit independent of the tree shape, of task completion order and of Spark
 * versus a plain local fold, and the tree moves the compact encodings rather than dense sums. (A dense running
 * sum would be smaller for thousands of dense devices, but float addition is not associative and the result
 * would depend on the tree.)
 *
 * <p>{@link #EMPTY} style zero: a new aggregator has no devices; {@link #mean(int)} refuses to answer then.
 * {@link #add} and {@link #merge} return a new aggregator and never mutate {@code this} or their argument.
 */
public final class DeltaAggregator implements Serializable {
    private static final long serialVersionUID = 1L;
    private final TreeMap<Integer, byte[]> deltas;
    private final TreeMap<Integer, DeviceMetrics> metrics;

    /** The zero value. */
    public DeltaAggregator() {
        this(new TreeMap<>(), new TreeMap<>());
    }

    private DeltaAggregator(TreeMap<Integer, byte[]> deltas, TreeMap<Integer, DeviceMetrics> metrics) {
        this.deltas = deltas;
        this.metrics = metrics;
    }

    /** This plus one device result (a device that sat the round out adds nothing). */
    public DeltaAggregator add(DeviceResult r) {
        if (r.delta() == null) {
            return this;
        }
        int p = r.metrics().device();
        if (deltas.containsKey(p)) {
            throw new IllegalStateException("device " + p + " reported twice in one round");
        }
        TreeMap<Integer, byte[]> d = new TreeMap<>(deltas);
        TreeMap<Integer, DeviceMetrics> m = new TreeMap<>(metrics);
        d.put(p, r.delta());
        m.put(p, r.metrics());
        return new DeltaAggregator(d, m);
    }

    /** This combined with {@code other}. */
    public DeltaAggregator merge(DeltaAggregator other) {
        TreeMap<Integer, byte[]> d = new TreeMap<>(deltas);
        TreeMap<Integer, DeviceMetrics> m = new TreeMap<>(metrics);
        for (Map.Entry<Integer, byte[]> e : other.deltas.entrySet()) {
            if (d.put(e.getKey(), e.getValue()) != null) {
                throw new IllegalStateException("device " + e.getKey() + " reported twice in one round");
            }
        }
        m.putAll(other.metrics);
        return new DeltaAggregator(d, m);
    }

    public int devices() {
        return deltas.size();
    }

    /** Partitions that reported, ascending. */
    public List<Integer> deviceIds() {
        return new ArrayList<>(deltas.keySet());
    }

    /** Per-device metrics in partition order. */
    public List<DeviceMetrics> metrics() {
        return new ArrayList<>(metrics.values());
    }

    /** Total encoded bytes of all Δ^p. */
    public long encodedBytes() {
        long s = 0;
        for (byte[] b : deltas.values()) {
            s += b.length;
        }
        return s;
    }

    /** (1/|D^t|) Σ_p Δ^p, summed in partition order. */
    public float[] mean(int dim) {
        if (deltas.isEmpty()) {
            throw new IllegalStateException("no device reported this round: nothing to average");
        }
        float[] acc = new float[dim];
        for (byte[] b : deltas.values()) {
            Compressed c = Compressed.decode(b);
            if (c.dim() != dim) {
                throw new IllegalStateException("device update has dimension " + c.dim() + ", θ has " + dim);
            }
            c.addTo(acc, 1f);
        }
        float inv = 1f / deltas.size();
        for (int i = 0; i < dim; i++) {
            acc[i] *= inv;
        }
        return acc;
    }
}
