package org.sparkebm.core.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import org.sparkebm.core.compress.Compressed;

/**
 * The reduce-scatter aggregation, without the engine that moves its pieces: each device cuts its message into
 * slices of coordinates ({@link #scatter}), one reducer per slice adds the devices' pieces of it in partition order
 * ({@link #reduce}), and the driver puts the slices' sums together ({@link #assemble}). The driver receives d
 * floats however many devices there are, and every slice stays in its compressed form on the wire.
 *
 * <p>Each coordinate is summed over the devices in partition order with {@link SliceSum}'s arithmetic, as
 * {@link DeltaAggregator} sums it over whole messages, so both give the same floats for any number of slices.
 * Under Jarzynski every piece carries its device's weight statistics (five numbers), so each reducer computes the
 * round's coefficients itself; a device's metrics travel with one of its pieces only.
 */
public final class ReduceScatter {
    private ReduceScatter() {}

    /**
     * How θ's {@code dim} coordinates are cut: slices of {@code sliceLength} (a multiple of the compressor's
     * alignment), the last one shorter.
     */
    public record Layout(int dim, int sliceLength, int slices) implements Serializable {

        /** About {@code slices} slices (fewer where the alignment or the dimension allows no more). */
        public static Layout of(int dim, int slices, int alignment) {
            if (dim < 1 || slices < 1 || alignment < 1) {
                throw new IllegalArgumentException("dim, slices and alignment must be >= 1: " + dim + ", " + slices
                        + ", " + alignment);
            }
            long per = (dim + (long) slices - 1) / slices;
            long len = (per + alignment - 1) / alignment * alignment;
            int n = (int) ((dim + len - 1) / len);
            return new Layout(dim, (int) Math.min(len, dim), n);
        }

        /** First coordinate of slice {@code s}. */
        public int from(int s) {
            return s * sliceLength;
        }

        /** One past the last coordinate of slice {@code s}. */
        public int to(int s) {
            return (int) Math.min(dim, (long) (s + 1) * sliceLength);
        }

        /** The slice whose pieces carry device {@code p}'s metrics. */
        int metricsSlice(int p) {
            return p % slices;
        }
    }

    /**
     * Device {@code device}'s part of one slice.
     *
     * @param delta   the encoded slice of Δ^p (of the data part under Jarzynski)
     * @param model   Jarzynski: the encoded slice of the model part; null otherwise
     * @param weights Jarzynski: the device's weight statistics; null otherwise
     * @param metrics the device's metrics in one of its pieces, null in the others
     */
    public record Piece(int device, byte[] delta, byte[] model, WeightStats weights, DeviceMetrics metrics)
            implements Serializable {}

    /** A device result cut into {@code layout.slices()} pieces, slice s at index s; none if the device sat out. */
    public static List<Piece> scatter(DeviceResult r, Layout layout) {
        if (r.delta() == null) {
            return List.of();
        }
        int p = r.metrics().device();
        Compressed delta = Compressed.decode(r.delta());
        Compressed model = r.modelDelta() == null ? null : Compressed.decode(r.modelDelta());
        if (delta.dim() != layout.dim()) {
            throw new IllegalStateException("device update has dimension " + delta.dim() + ", θ has " + layout.dim());
        }
        List<Piece> out = new ArrayList<>(layout.slices());
        for (int s = 0; s < layout.slices(); s++) {
            int from = layout.from(s);
            int to = layout.to(s);
            out.add(new Piece(p, delta.slice(from, to).encode(), model == null ? null : model.slice(from, to).encode(),
                    r.weights(), s == layout.metricsSlice(p) ? r.metrics() : null));
        }
        return out;
    }

    /**
     * A slice's combined values, and the metrics (and weights) of the devices whose pieces of this slice carried
     * them.
     *
     * @param model JARZYNSKI_SPLIT: the model parts' sum; null otherwise
     */
    public record Slice(int index, float[] values, float[] model, List<DeviceMetrics> metrics,
                        List<WeightStats> weights) implements Serializable {}

    /**
     * Combines slice {@code index} from every device's piece of it. {@code pieces} must come in ascending device
     * order (the engine sorts them); under Jarzynski they are held until all are in, since every coefficient
     * depends on all devices' weights.
     */
    public static Slice reduce(int index, Iterator<Piece> pieces, Layout layout, SliceSum.Mode mode) {
        int length = layout.to(index) - layout.from(index);
        List<DeviceMetrics> metrics = new ArrayList<>();
        List<WeightStats> weights = new ArrayList<>();
        SliceSum acc;
        if (mode == SliceSum.Mode.SUM) {
            acc = new SliceSum(mode, length, null);
            while (pieces.hasNext()) {
                Piece piece = pieces.next();
                acc.add(piece.device(), Compressed.decode(piece.delta()), null, null);
                keep(piece, metrics, weights);
            }
        } else {
            List<Piece> all = new ArrayList<>();
            pieces.forEachRemaining(all::add);
            List<WeightStats> ws = new ArrayList<>(all.size());
            for (Piece piece : all) {
                ws.add(piece.weights());
            }
            acc = new SliceSum(mode, length, ws.isEmpty() ? null : JarzynskiWeights.of(ws));
            for (Piece piece : all) {
                acc.add(piece.device(), Compressed.decode(piece.delta()), Compressed.decode(piece.model()),
                        piece.weights());
                keep(piece, metrics, weights);
            }
            if (all.isEmpty()) {
                return new Slice(index, new float[length], mode == SliceSum.Mode.JARZYNSKI_SPLIT ? new float[length]
                        : null, metrics, weights);
            }
        }
        return new Slice(index, acc.result(), mode == SliceSum.Mode.JARZYNSKI_SPLIT ? acc.modelResult() : null, metrics,
                weights);
    }

    private static void keep(Piece piece, List<DeviceMetrics> metrics, List<WeightStats> weights) {
        if (piece.metrics() != null) {
            metrics.add(piece.metrics());
            if (piece.weights() != null) {
                weights.add(piece.weights());
            }
        }
    }

    /** The round as the driver sees it: the slices put together. */
    public static Reduced assemble(List<Slice> slices, Layout layout, SliceSum.Mode mode) {
        if (slices.size() != layout.slices()) {
            throw new IllegalStateException(slices.size() + " slices reduced, the layout has " + layout.slices());
        }
        float[] values = new float[layout.dim()];
        float[] model = mode == SliceSum.Mode.JARZYNSKI_SPLIT ? new float[layout.dim()] : null;
        TreeMap<Integer, DeviceMetrics> metrics = new TreeMap<>();
        TreeMap<Integer, WeightStats> weights = new TreeMap<>();
        for (Slice s : slices) {
            System.arraycopy(s.values(), 0, values, layout.from(s.index()), s.values().length);
            if (model != null) {
                System.arraycopy(s.model(), 0, model, layout.from(s.index()), s.model().length);
            }
            for (int i = 0; i < s.metrics().size(); i++) {
                DeviceMetrics m = s.metrics().get(i);
                if (metrics.put(m.device(), m) != null) {
                    throw new IllegalStateException("device " + m.device() + " reported twice in one round");
                }
                if (!s.weights().isEmpty()) {
                    weights.put(m.device(), s.weights().get(i));
                }
            }
        }
        return new Reduced(mode, values, model, metrics, weights);
    }

    /** A round combined by reduce-scatter: the sums are already made; only the weights are combined here. */
    public static final class Reduced implements RoundAggregate {
        private final SliceSum.Mode mode;
        private final float[] values;
        private final float[] model;
        private final TreeMap<Integer, DeviceMetrics> metrics;
        private final TreeMap<Integer, WeightStats> weights;

        Reduced(SliceSum.Mode mode, float[] values, float[] model, TreeMap<Integer, DeviceMetrics> metrics,
                TreeMap<Integer, WeightStats> weights) {
            this.mode = mode;
            this.values = values;
            this.model = model;
            this.metrics = metrics;
            this.weights = weights;
        }

        @Override
        public List<Integer> deviceIds() {
            return new ArrayList<>(metrics.keySet());
        }

        @Override
        public List<DeviceMetrics> metrics() {
            return Collections.unmodifiableList(new ArrayList<>(metrics.values()));
        }

        @Override
        public float[] sum(int dim) {
            if (mode == SliceSum.Mode.JARZYNSKI) {
                throw new IllegalStateException("this round was reduced as the Jarzynski gradient, not as a sum");
            }
            checkDim(dim);
            return values.clone();
        }

        @Override
        public JarzynskiAggregate jarzynski(int dim, float[] dataPart) {
            if ((dataPart == null) != (mode == SliceSum.Mode.JARZYNSKI)) {
                throw new IllegalStateException("this round was reduced in mode " + mode + ": "
                        + (dataPart == null ? "a data part is needed" : "it takes no data part"));
            }
            if (weights.isEmpty() || weights.size() != metrics.size()) {
                throw new IllegalStateException("no Jarzynski device results this round");
            }
            checkDim(dim);
            JarzynskiWeights w = JarzynskiWeights.of(weights.values());
            return JarzynskiAggregate.of(dataPart == null ? values.clone() : SliceSum.plus(dataPart, model), w);
        }

        private void checkDim(int dim) {
            if (dim != values.length) {
                throw new IllegalStateException("reduced vector has dimension " + values.length + ", θ has " + dim);
            }
        }
    }
}
