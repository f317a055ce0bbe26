package org.sparkebm.spark.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.train.DeviceResult;
import org.sparkebm.core.train.ReduceScatter;
import org.sparkebm.core.train.RoundAggregate;
import org.sparkebm.core.train.SliceSum;
import scala.Tuple2;

/**
 * {@code spark.aggregation = reduce-scatter}: each device cuts its message into slices of coordinates
 * ({@link ReduceScatter#scatter}); Spark's sort shuffle delivers every slice's pieces to one task sorted by device
 * (key = slice·2^32 + device), which sums them in partition order ({@link ReduceScatter#reduce}); the driver
 * collects the slices' sums: d floats and the devices' metrics, whatever P is. Compressed slices stay compressed on
 * the wire; the shuffle spills to disk where a task's pieces exceed its memory.
 */
final class ReduceScatterAggregation implements Aggregation {
    /** The most device-message bytes one reduce task should receive by default. */
    static final long BYTES_PER_TASK = 64L << 20;
    private final ReduceScatter.Layout layout;
    private final SliceSum.Mode mode;

    ReduceScatterAggregation(ReduceScatter.Layout layout, SliceSum.Mode mode) {
        this.layout = layout;
        this.mode = mode;
    }

    /**
     * The layout: spark.reduceSlices, or at least one slice per core and enough that no task sums more than
     * {@link #BYTES_PER_TASK} of messages; cut at the compressor's alignment.
     */
    static ReduceScatterAggregation of(JavaSparkContext sc, RunConfig cfg, int dim, int devices, long messageBytes) {
        int slices = cfg.spark().reduceSlices();
        if (slices == 0) {
            long bySize = (devices * messageBytes + BYTES_PER_TASK - 1) / BYTES_PER_TASK;
            slices = (int) Math.min(Integer.MAX_VALUE, Math.max(sc.defaultParallelism(), bySize));
        }
        return new ReduceScatterAggregation(ReduceScatter.Layout.of(dim, slices, cfg.step().compressor().sliceAlignment()),
                SliceSum.Mode.of(cfg));
    }

    @Override
    public RoundAggregate combine(JavaRDD<DeviceResult> results) {
        List<ReduceScatter.Slice> slices = results.flatMapToPair(new Scatter(layout))
                .repartitionAndSortWithinPartitions(new BySlice(layout.slices()))
                .mapPartitionsWithIndex(new Reduce(layout, mode), false)
                .collect();
        return ReduceScatter.assemble(slices, layout, mode);
    }

    @Override
    public long driverBytesPerRound() {
        return (mode == SliceSum.Mode.JARZYNSKI_SPLIT ? 8L : 4L) * layout.dim()
                + layout.slices() * (long) Aggregation.DEVICE_OVERHEAD;
    }

    @Override
    public boolean releaseResultsEachRound() {
        return true;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "reduce-scatter (%d slice(s) of %d coordinates, %s to the driver a round)",
                layout.slices(), layout.sliceLength(), Aggregation.human(driverBytesPerRound()));
    }

    static long key(int slice, int device) {
        return ((long) slice << 32) | device;
    }

    static final class Scatter implements PairFlatMapFunction<DeviceResult, Long, ReduceScatter.Piece> {
        private static final long serialVersionUID = 1L;
        private final ReduceScatter.Layout layout;

        Scatter(ReduceScatter.Layout layout) {
            this.layout = layout;
        }

        @Override
        public Iterator<Tuple2<Long, ReduceScatter.Piece>> call(DeviceResult r) {
            List<ReduceScatter.Piece> pieces = ReduceScatter.scatter(r, layout);
            List<Tuple2<Long, ReduceScatter.Piece>> out = new ArrayList<>(pieces.size());
            for (int s = 0; s < pieces.size(); s++) {
                out.add(new Tuple2<>(key(s, pieces.get(s).device()), pieces.get(s)));
            }
            return out.iterator();
        }
    }

    /** Slice s's pieces to reduce partition s. */
    static final class BySlice extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int slices;

        BySlice(int slices) {
            this.slices = slices;
        }

        @Override
        public int numPartitions() {
            return slices;
        }

        @Override
        public int getPartition(Object key) {
            return (int) ((Long) key >>> 32);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BySlice b && b.slices == slices;
        }

        @Override
        public int hashCode() {
            return slices;
        }
    }

    static final class Reduce implements Function2<Integer, Iterator<Tuple2<Long, ReduceScatter.Piece>>,
            Iterator<ReduceScatter.Slice>> {
        private static final long serialVersionUID = 1L;
        private final ReduceScatter.Layout layout;
        private final SliceSum.Mode mode;

        Reduce(ReduceScatter.Layout layout, SliceSum.Mode mode) {
            this.layout = layout;
            this.mode = mode;
        }

        @Override
        public Iterator<ReduceScatter.Slice> call(Integer slice, Iterator<Tuple2<Long, ReduceScatter.Piece>> in) {
            Iterator<ReduceScatter.Piece> pieces = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return in.hasNext();
                }

                @Override
                public ReduceScatter.Piece next() {
                    return in.next()._2();
                }
            };
            return Collections.singletonList(ReduceScatter.reduce(slice, pieces, layout, mode)).iterator();
        }
    }
}
