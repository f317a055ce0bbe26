package org.sparkebm.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.sparkebm.core.compress.BlockSign;
import org.sparkebm.core.compress.Compressor;
import org.sparkebm.core.compress.Identity;
import org.sparkebm.core.compress.TopK;
import org.sparkebm.core.train.DeltaAggregator;
import org.sparkebm.core.train.DeviceMetrics;
import org.sparkebm.core.train.DeviceResult;

/**
 * The driver's aggregation alone against the parameter count d (scaling with d): fold P = 4 encoded device updates
 * into a {@link DeltaAggregator} (as treeAggregate does) and decode-average them, for each compressor; plus the
 * device-side compress + encode of one update.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AggregationBench {
    @Param({"10000", "100000", "1000000"})
    int d;

    @Param({"none", "topk1", "blocksign256"})
    String compressor;

    static final int DEVICES = 4;
    byte[][] encoded;
    float[] delta;
    Compressor c;

    @Setup
    public void setup() {
        c = switch (compressor) {
            case "topk1" -> TopK.ofDensity(0.01);
            case "blocksign256" -> new BlockSign(256);
            default -> new Identity();
        };
        SplittableRandom rng = new SplittableRandom(1);
        encoded = new byte[DEVICES][];
        for (int p = 0; p < DEVICES; p++) {
            float[] v = new float[d];
            for (int i = 0; i < d; i++) {
                v[i] = (float) rng.nextGaussian();
            }
            encoded[p] = c.compress(v, null).encode();
            delta = v;
        }
    }

    @Benchmark
    public float[] aggregateAndAverage() {
        DeltaAggregator agg = new DeltaAggregator();
        for (int p = 0; p < DEVICES; p++) {
            agg = agg.add(new DeviceResult(null, encoded[p], new DeviceMetrics(p, 0, 0, 0, 0, encoded[p].length, 0, 0)));
        }
        return agg.mean(d);
    }

    @Benchmark
    public byte[] compressAndEncode() {
        return c.compress(delta, null).encode();
    }
}
