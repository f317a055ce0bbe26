package org.sparkebm.core.train;

import java.io.Externalizable;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInput;
import java.io.ObjectInputStream;
import java.io.ObjectOutput;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sparkebm.core.compress.Compressed;
import org.sparkebm.core.util.LogSpace;

/**
 * The mergeable object a {@code treeAggregate} folds device results into.
 *
 * <p>It keeps each device's encoded Δ^p keyed by partition and sums them only in {@link #mean(int)}, in partition
 * order. So the aggregate is bit-for-bit independent of the tree shape, of task completion order and of Spark
 * versus a plain local fold, and the tree moves the compact encodings rather than dense sums. (A dense running
 * sum would be smaller for thousands of dense devices, but float addition is not associative and the result
 * would depend on the tree.)
 *
 * <p>The zero value is {@code new DeltaAggregator()}: no devices; {@link #mean(int)} refuses to answer then.
 * {@link #add} and {@link #merge} return a new aggregator and never mutate {@code this} or their argument.
 */
public final class DeltaAggregator implements Serializable {
    private static final long serialVersionUID = 1L;
    private final TreeMap<Integer, byte[]> deltas;
    private final TreeMap<Integer, DeviceMetrics> metrics;
    private final TreeMap<Integer, byte[]> modelDeltas;
    private final TreeMap<Integer, WeightStats> weights;

    /** The zero value. */
    public DeltaAggregator() {
        this(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
    }

    private DeltaAggregator(TreeMap<Integer, byte[]> deltas, TreeMap<Integer, DeviceMetrics> metrics,
                            TreeMap<Integer, byte[]> modelDeltas, TreeMap<Integer, WeightStats> weights) {
        this.deltas = deltas;
        this.metrics = metrics;
        this.modelDeltas = modelDeltas;
        this.weights = weights;
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
        TreeMap<Integer, byte[]> md = new TreeMap<>(modelDeltas);
        TreeMap<Integer, WeightStats> w = new TreeMap<>(weights);
        d.put(p, r.delta());
        m.put(p, r.metrics());
        if (r.modelDelta() != null) {
            md.put(p, r.modelDelta());
            w.put(p, r.weights());
        }
        return new DeltaAggregator(d, m, md, w);
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
        TreeMap<Integer, byte[]> md = new TreeMap<>(modelDeltas);
        md.putAll(other.modelDeltas);
        TreeMap<Integer, WeightStats> w = new TreeMap<>(weights);
        w.putAll(other.weights);
        return new DeltaAggregator(d, m, md, w);
    }

    /**
     * Serialisation proxy (Effective Java, item 90): Spark ships an aggregator back from every partition task, and the
     * default Java form of the TreeMaps and records costs ~570 bytes per device on top of the encoded Δ^p, the size
     * of a whole Top-k 0.1% message on the W2 net. The proxy writes the same content as raw fields: ~90 bytes.
     */
    private Object writeReplace() {
        return new Wire(this);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("DeltaAggregator is serialised through its Wire proxy");
    }

    /** The compact serialised form of a {@link DeltaAggregator}. */
    public static final class Wire implements Externalizable {
        private static final long serialVersionUID = 1L;
        private DeltaAggregator value;

        /** For deserialisation only. */
        public Wire() {}

        Wire(DeltaAggregator value) {
            this.value = value;
        }

        @Override
        public void writeExternal(ObjectOutput out) throws IOException {
            out.writeInt(value.deltas.size());
            for (Map.Entry<Integer, byte[]> e : value.deltas.entrySet()) {
                int p = e.getKey();
                out.writeInt(p);
                writeBytes(out, e.getValue());
                DeviceMetrics m = value.metrics.get(p);
                out.writeInt(m.device());
                out.writeDouble(m.energyPos());
                out.writeDouble(m.energyNeg());
                out.writeDouble(m.loss());
                out.writeDouble(m.gradNorm());
                out.writeLong(m.encodedBytes());
                out.writeInt(m.reinitialised());
                out.writeDouble(m.stepSeconds());
                out.writeDouble(m.clfLoss());
                out.writeDouble(m.clfAccuracy());
                byte[] md = value.modelDeltas.get(p);
                out.writeBoolean(md != null);
                if (md != null) {
                    writeBytes(out, md);
                    WeightStats w = value.weights.get(p);
                    out.writeDouble(w.logSum());
                    out.writeDouble(w.logSumSq());
                    out.writeInt(w.walkers());
                    out.writeInt(w.dataRows());
                    out.writeDouble(w.dataEnergySum());
                }
            }
        }

        @Override
        public void readExternal(ObjectInput in) throws IOException {
            int n = in.readInt();
            TreeMap<Integer, byte[]> d = new TreeMap<>();
            TreeMap<Integer, DeviceMetrics> m = new TreeMap<>();
            TreeMap<Integer, byte[]> md = new TreeMap<>();
            TreeMap<Integer, WeightStats> w = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                int p = in.readInt();
                d.put(p, readBytes(in));
                m.put(p, new DeviceMetrics(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(),
                        in.readDouble(), in.readLong(), in.readInt(), in.readDouble(), in.readDouble(),
                        in.readDouble()));
                if (in.readBoolean()) {
                    md.put(p, readBytes(in));
                    w.put(p, new WeightStats(in.readDouble(), in.readDouble(), in.readInt(), in.readInt(),
                            in.readDouble()));
                }
            }
            value = new DeltaAggregator(d, m, md, w);
        }

        private Object readResolve() {
            return value;
        }

        private static void writeBytes(ObjectOutput out, byte[] b) throws IOException {
            out.writeInt(b.length);
            out.write(b);
        }

        private static byte[] readBytes(ObjectInput in) throws IOException {
            int len = in.readInt();
            if (len < 0) {
                throw new StreamCorruptedException("negative length " + len);
            }
            byte[] b = new byte[len];
            in.readFully(b);
            return b;
        }
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
        for (byte[] b : modelDeltas.values()) {
            s += b.length;
        }
        return s;
    }

    /** Σ_p Δ^p in partition order; zeros when no device reported (DP rounds with Poisson sampling may be empty). */
    public float[] sum(int dim) {
        float[] acc = new float[dim];
        for (byte[] b : deltas.values()) {
            Compressed c = Compressed.decode(b);
            if (c.dim() != dim) {
                throw new IllegalStateException("device update has dimension " + c.dim() + ", θ has " + dim);
            }
            c.addTo(acc, 1f);
        }
        return acc;
    }

    /** (1/|D^t|) Σ_p Δ^p, summed in partition order. */
    public float[] mean(int dim) {
        if (deltas.isEmpty()) {
            throw new IllegalStateException("no device reported this round: nothing to average");
        }
        float[] acc = sum(dim);
        float inv = 1f / deltas.size();
        for (int i = 0; i < dim; i++) {
            acc[i] *= inv;
        }
        return acc;
    }

    /**
     * The Jarzynski aggregate (Carbone et al., "Efficient Training of Energy-Based Models Using Jarzynski Equality",
     * 2023): gradient = Σ_p (n_p/n)·data_p − Σ_p exp(L_p − L)·model_p, with
     * L_p = log Σ_{i∈p} exp(A_i) and L = log Σ_p exp(L_p), combined in double precision in partition order, so very
     * different weights on different devices stay stable and the result equals a single device holding all walkers.
     */
    public JarzynskiAggregate jarzynski(int dim) {
        return jarzynski(dim, null);
    }

    /**
     * As {@link #jarzynski(int)}, with the data part given: under differential privacy the driver sums the
     * clipped data parts itself ({@link #sum(int)}), adds its noise and divides by the expected device count,
     * so one device's weight in it does not depend on its shard size. {@code dataPart} is read (null: Σ_p (n_p/n)·data_p).
     */
    public JarzynskiAggregate jarzynski(int dim, float[] dataPart) {
        if (weights.isEmpty() || weights.size() != deltas.size()) {
            throw new IllegalStateException("no Jarzynski device results this round");
        }
        double[] ls = new double[weights.size()];
        double[] ls2 = new double[weights.size()];
        long walkers = 0;
        long rows = 0;
        double dataE = 0;
        int k = 0;
        for (WeightStats w : weights.values()) {
            ls[k] = w.logSum();
            ls2[k] = w.logSumSq();
            walkers += w.walkers();
            rows += w.dataRows();
            dataE += w.dataEnergySum();
            k++;
        }
        double logSum = LogSpace.logSumExp(ls);
        double logSumSq = LogSpace.logSumExp(ls2);
        double[] acc = new double[dim];
        if (dataPart != null) {
            if (dataPart.length != dim) {
                throw new IllegalArgumentException("data part has dimension " + dataPart.length + ", θ has " + dim);
            }
            for (int i = 0; i < dim; i++) {
                acc[i] = dataPart[i];
            }
        }
        for (Map.Entry<Integer, byte[]> e : deltas.entrySet()) {
            WeightStats w = weights.get(e.getKey());
            if (dataPart == null) {
                addScaled(acc, Compressed.decode(e.getValue()), (double) w.dataRows() / rows);
            }
            addScaled(acc, Compressed.decode(modelDeltas.get(e.getKey())), -Math.exp(w.logSum() - logSum));
        }
        float[] g = new float[dim];
        for (int i = 0; i < dim; i++) {
            g[i] = (float) acc[i];
        }
        return new JarzynskiAggregate(g, logSum, logSumSq, walkers, rows, dataE / rows);
    }

    private static void addScaled(double[] acc, Compressed c, double scale) {
        if (c.dim() != acc.length) {
            throw new IllegalStateException("device update has dimension " + c.dim() + ", θ has " + acc.length);
        }
        float[] v = c.toDense();
        for (int i = 0; i < acc.length; i++) {
            acc[i] += scale * v[i];
        }
    }

    /**
     * @param gradient      the global weighted gradient
     * @param logSum        log Σ_i exp(A_i) over all walkers
     * @param logSumSq      log Σ_i exp(2A_i)
     * @param walkers       N
     * @param dataRows      positives used
     * @param meanDataEnergy mean U over those positives
     */
    public record JarzynskiAggregate(float[] gradient, double logSum, double logSumSq, long walkers, long dataRows,
                                     double meanDataEnergy) {
        public double ess() {
            return LogSpace.ess(logSum, logSumSq);
        }
    }
}
