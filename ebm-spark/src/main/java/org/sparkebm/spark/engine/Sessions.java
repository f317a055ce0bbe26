package org.sparkebm.spark.engine;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark sessions of the project's commands. */
public final class Sessions {
    private Sessions() {}

    /**
     * A Spark session: spark-submit's master if set, else {@code master}, else {@code local[*]}; one ND4J
     * thread per executor task (OpenMP spin-waiting makes small ND4J operations several times slower when tasks
     * share cores); shuffle blocks uncompressed (they do not compress); with Kryo as {@code spark.serializer}, {@link KryoRegistration}.
     * Refuses (a {@code ConfigException}) a Spark of another line than this build's ({@link SparkLine}).
     */
    public static SparkSession open(String app, String master) {
        SparkLine.check();
        SparkConf conf = new SparkConf().setAppName(app)
                .setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1")
                .setIfMissing("spark.ui.showConsoleProgress", "false")
                // what this job shuffles is fp32 values and entropy-coded messages: LZ4 saves no bytes and costs a
                // third of a round at P = 4, d = 10^6 (docs/results/scale.md)
                .setIfMissing("spark.shuffle.compress", "false");
        if (!conf.contains("spark.master")) {
            conf.setMaster(master == null ? "local[*]" : master);
        }
        return SparkSession.builder().config(KryoRegistration.register(conf)).getOrCreate();
    }
}
