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

/**
 * The mergeable object a {@code treeAggregate} folds device results into.
 *
 * <p>It keeps each device's encoded Δ^p keyed by partition and sums them only in {@link #mean(int)}, in partition
 * order. So the aggregate is bit-for-bit independent of the tree shape, of task completion order and of Spark
 * versus a plain local fold, and the tree moves the compact encodings rather than dense sums. (A dense running
 * sum would be smaller for thousands of dense devices, but float addition is not associative and the result
 * would depend on the tree.)
 *
 * <p>This is the {@code collect} aggregation: the driver receives every message, P·d coordinates in all. For many
 * devices or large models {@link ReduceScatter} combines slices on the executors instead, with the same arithmetic.
 *
 * <p>The zero value is {@code new DeltaAggregator()}: no devices; {@link #mean(int)} refuses to answer then.
 * {@link #add} and {@link #merge} return a new aggregator and never mutate {@code this} or their argument.
 */
public final class DeltaAggregator implements RoundAggregate, Serializable {
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

    /** Number of devices that reported. */
    public int devices() {
        return deltas.size();
    }

    @Override
    public List<Integer> deviceIds() {
        return new ArrayList<>(deltas.keySet());
    }

    @Override
    public List<DeviceMetrics> metrics() {
        return new ArrayList<>(metrics.values());
    }

    /** Σ_p Δ^p in partition order ({@link SliceSum}); zeros when no device reported (Poisson rounds may be empty). */
    @Override
    public float[] sum(int dim) {
        SliceSum acc = new SliceSum(SliceSum.Mode.SUM, dim, null);
        for (Map.Entry<Integer, byte[]> e : deltas.entrySet()) {
            acc.add(e.getKey(), Compressed.decode(e.getValue()), null, null);
        }
        return acc.result();
    }

    /** The Jarzynski gradient over the devices' whole messages ({@link SliceSum}, {@link JarzynskiWeights}). */
    @Override
    public JarzynskiAggregate jarzynski(int dim, float[] dataPart) {
        if (weights.isEmpty() || weights.size() != deltas.size()) {
            throw new IllegalStateException("no Jarzynski device results this round");
        }
        JarzynskiWeights w = JarzynskiWeights.of(weights.values());
        SliceSum acc = new SliceSum(dataPart == null ? SliceSum.Mode.JARZYNSKI : SliceSum.Mode.JARZYNSKI_SPLIT, dim, w);
        for (Map.Entry<Integer, byte[]> e : deltas.entrySet()) {
            int p = e.getKey();
            acc.add(p, Compressed.decode(e.getValue()), Compressed.decode(modelDeltas.get(p)), weights.get(p));
        }
        return JarzynskiAggregate.of(dataPart == null ? acc.result() : SliceSum.plus(dataPart, acc.modelResult()), w);
    }

    /** As {@link #jarzynski(int, float[])} without privacy. */
    public JarzynskiAggregate jarzynski(int dim) {
        return jarzynski(dim, null);
    }
}
