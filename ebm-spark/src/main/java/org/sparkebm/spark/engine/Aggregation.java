package org.sparkebm.spark.engine;

import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkebm.core.config.AggregationType;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.Keys;
import org.sparkebm.core.config.Method;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.train.DeviceResult;
import org.sparkebm.core.train.RoundAggregate;

/**
 * How a round's device results reach the {@link org.sparkebm.core.train.ParameterServer}: the spark.aggregation
 * choices. Every implementation gives the same floats as the local fold.
 */
interface Aggregation {

    /** Combines one round's results (read from the cached RDD; runs Spark jobs). */
    RoundAggregate combine(JavaRDD<DeviceResult> results);

    /** What the aggregation brings to the driver per round, in bytes (an estimate for variable-size messages). */
    long driverBytesPerRound();

    /**
     * Whether each round's device results are released as soon as the round is combined (the next device states
     * materialised by a small job first), so that one round of messages is cached on the executors rather than two.
     * Worth its extra job where messages are large: P·d = 10^9 dense is 4 GB a round.
     */
    boolean releaseResultsEachRound();

    /** Describes the choice for the run's log line. */
    String describe();

    /**
     * Bytes of device messages a round at and above which {@code auto} takes the reduce-scatter; below it too where
     * the collected messages would not fit spark.driver.maxResultSize. Measured (docs/results/scale.md, d = 10^6):
     * collecting was faster up to about 7 MB a round (Top-k 1% at P = 128, Block-Sign at P = 32), the reduce-scatter
     * from about 17 MB (dense at P = 4, Block-Sign at P = 128).
     */
    long AUTO_THRESHOLD = 16L << 20;

    /**
     * The configured aggregation for a model of {@code dim} parameters, checked against
     * {@code spark.driver.maxResultSize} before any work: a round that cannot fit fails here with the key to change.
     *
     * @throws ConfigException when the driver could not take a round's results
     */
    static Aggregation of(JavaSparkContext sc, RunConfig cfg, int dim) {
        int active = expectedDevices(cfg);
        long message = messageBytes(cfg, dim);
        long limit = sc.getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
        long collected = (long) active * (message + DEVICE_OVERHEAD);
        AggregationType type = cfg.spark().aggregation();
        if (type == AggregationType.AUTO) {
            boolean fits = limit <= 0 || collected <= limit;
            type = collected < AUTO_THRESHOLD && fits ? AggregationType.COLLECT : AggregationType.REDUCE_SCATTER;
        }
        Aggregation a = type == AggregationType.COLLECT
                ? new CollectAggregation(cfg.spark().treeDepth(), collected)
                : ReduceScatterAggregation.of(sc, cfg, dim, active, message);
        if (limit > 0 && a.driverBytesPerRound() > limit) {
            String need = human(a.driverBytesPerRound());
            throw new ConfigException(type == AggregationType.COLLECT
                    ? Keys.SPARK_AGGREGATION.name() + " = collect: a round brings about " + need + " to the driver ("
                    + active + " device messages of " + human(message) + "), above spark.driver.maxResultSize = "
                    + human(limit) + ": use " + Keys.SPARK_AGGREGATION.name() + " = reduce-scatter (or auto), or raise"
                    + " spark.driver.maxResultSize (spark-submit --conf)"
                    : "the model has " + dim + " parameters: the reduced update (" + need + " a round) is above"
                    + " spark.driver.maxResultSize = " + human(limit) + ": raise spark.driver.maxResultSize"
                    + " (spark-submit --conf) to at least " + human(a.driverBytesPerRound() * 11 / 10));
        }
        return a;
    }

    /** A device's metrics and framing on the wire, beside its message (measured: under 200 bytes). */
    long DEVICE_OVERHEAD = 256;

    /** Devices expected in a round: all, or the sampled fraction. */
    static int expectedDevices(RunConfig cfg) {
        return cfg.deviceFraction() >= 1.0 ? cfg.devices()
                : (int) Math.max(1, Math.ceil(cfg.deviceFraction() * cfg.devices()));
    }

    /**
     * The encoded size of one device's messages, at most: exact for dense and Block-Sign, a bound for Top-k (never
     * above dense, which a device falls back to); twice that under Jarzynski (data and model parts).
     */
    static long messageBytes(RunConfig cfg, int dim) {
        long one = Math.min(5L + 4L * dim, cfg.step().compressor().encodedBytesBound(dim));
        return cfg.method() == Method.JARZYNSKI ? 2 * one : one;
    }

    /** Bytes as people read them: 512 B, 3.2 KiB, 4.0 MiB, 1.0 GiB. */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        // binary units, as Spark reads its size settings (1g = 1 GiB) and prints its own result-size error
        int unit = (int) Math.min(3, (63 - Long.numberOfLeadingZeros(bytes)) / 10);
        return String.format(Locale.ROOT, "%.1f %s", bytes / Math.pow(1024, unit), new String[] {"B", "KiB", "MiB", "GiB"}[unit]);
    }
}
