package org.sparkebm.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** What the smaller commands (scoring, sampling, evaluation, data generation) share. */
final class Commands {
    private Commands() {}

    /**
     * A Spark session: spark-submit's master if set, else {@code master}, else {@code local[*]}; one ND4J
     * thread per executor task (stack.md).
     */
    static SparkSession session(String app, String master) {
        SparkConf conf = new SparkConf().setAppName(app)
                .setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1")
                .setIfMissing("spark.ui.showConsoleProgress", "false");
        if (!conf.contains("spark.master")) {
            conf.setMaster(master == null ? "local[*]" : master);
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
