package org.sparkebm.spark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.train.RoundSummary;
import org.sparkebm.spark.data.ShardLoader;
import org.sparkebm.spark.testing.SparkTestSessions;

/**
 * Under {@code spark.serializer = Kryo}: without the registration the records fail to serialise; with it (what
 * the job's session adds) Spark gives the local fold's θ bit for bit, also through the global-resampling shuffle.
 */
class KryoTest {
    @TempDir
    Path tmp;

    private static JavaSparkContext context(boolean registered) {
        SparkConf c = SparkTestSessions.conf("KryoTest", "spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        return new JavaSparkContext(registered ? KryoRegistration.register(c) : c);
    }

    private float[] spark(JavaSparkContext sc, RunConfig cfg) {
        Shard data = ShardLoader.loadAll(cfg);
        SparkTrainer t = new SparkTrainer(sc, cfg, data.sampleShape(), tmp.resolve("ckpt-" + System.nanoTime()).toString());
        try {
            t.run(5);
            return t.server().theta();
        } finally {
            t.close();
        }
    }

    @Test
    void kryoNeedsTheRegistrationAndThenChangesNothing() {
        RunConfig pcd = SparkTrainerTest.config();
        RunConfig global = SparkTrainerTest.jarzynski("jarzynski.resampling=global", "jarzynski.threshold=0.01");
        JavaSparkContext plain = context(false);
        try {
            Exception e = assertThrows(Exception.class, () -> spark(plain, pcd));
            assertTrue(String.valueOf(e.getMessage()).contains("record"), e.getMessage());
        } finally {
            plain.stop();
        }
        JavaSparkContext sc = context(true);
        try {
            for (RunConfig cfg : List.of(pcd, global)) {
                List<RoundSummary> h = new ArrayList<>();
                assertArrayEquals(SparkTrainerTest.local(cfg, 5, h), spark(sc, cfg), 0f, cfg.method().toString());
                if (cfg == global) {
                    assertTrue(h.stream().anyMatch(RoundSummary::resampleNext), "the shuffle path was taken");
                }
            }
        } finally {
            sc.stop();
        }
    }
}
