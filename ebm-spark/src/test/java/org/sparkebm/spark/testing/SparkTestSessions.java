package org.sparkebm.spark.testing;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** The Spark sessions of the tests: {@code local[2]} on loopback, no UI. */
public final class SparkTestSessions {
    private SparkTestSessions() {}

    /** The settings every test session shares, plus {@code extra} key/value pairs. */
    public static SparkConf conf(String app, String... extra) {
        SparkConf c = new SparkConf().setMaster("local[2]").setAppName(app).set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            c.set(extra[i], extra[i + 1]);
        }
        return c;
    }

    /** A SparkSession (the active one if a test left it running). */
    public static SparkSession session(String app) {
        return SparkSession.builder().config(conf(app)).getOrCreate();
    }

    /** A new SparkContext. */
    public static JavaSparkContext context(String app) {
        return new JavaSparkContext(conf(app));
    }
}
