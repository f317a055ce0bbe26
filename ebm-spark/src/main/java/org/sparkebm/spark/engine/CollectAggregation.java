package org.sparkebm.spark.engine;

import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.sparkebm.core.train.DeltaAggregator;
import org.sparkebm.core.train.DeviceResult;
import org.sparkebm.core.train.RoundAggregate;

/**
 * {@code spark.aggregation = collect}: a {@code treeAggregate} brings every device's encoded message to the driver
 * ({@link DeltaAggregator}), which sums them in partition order. One stage; the driver receives and decodes P
 * messages, so it suits small models and few devices.
 */
final class CollectAggregation implements Aggregation {
    private final int depth;
    private final long driverBytes;

    CollectAggregation(int depth, long driverBytes) {
        this.depth = depth;
        this.driverBytes = driverBytes;
    }

    @Override
    public RoundAggregate combine(JavaRDD<DeviceResult> results) {
        return results.treeAggregate(new DeltaAggregator(), new Add(), new Merge(), depth);
    }

    @Override
    public long driverBytesPerRound() {
        return driverBytes;
    }

    /** No: small models and few devices, where an extra job a round would cost more than the memory it saves. */
    @Override
    public boolean releaseResultsEachRound() {
        return false;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "collect (treeAggregate depth %d, about %s to the driver a round)", depth,
                Aggregation.human(driverBytes));
    }

    static final class Add implements Function2<DeltaAggregator, DeviceResult, DeltaAggregator> {
        private static final long serialVersionUID = 1L;

        @Override
        public DeltaAggregator call(DeltaAggregator agg, DeviceResult r) {
            return agg.add(r);
        }
    }

    static final class Merge implements Function2<DeltaAggregator, DeltaAggregator, DeltaAggregator> {
        private static final long serialVersionUID = 1L;

        @Override
        public DeltaAggregator call(DeltaAggregator a, DeltaAggregator b) {
            return a.merge(b);
        }
    }
}
