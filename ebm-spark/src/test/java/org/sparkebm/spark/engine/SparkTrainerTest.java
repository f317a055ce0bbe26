package org.sparkebm.spark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkebm.core.config.Method;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.config.TestConfigs;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.train.LocalTrainer;
import org.sparkebm.core.train.RoundSummary;
import org.sparkebm.spark.data.ShardLoader;
import org.sparkebm.spark.testing.SparkTestSessions;

/** Distributed equals local: 4 partitions on local[2] give bit-for-bit the θ of a plain fold in one JVM. */
class SparkTrainerTest {
    private static JavaSparkContext sc;

    @TempDir
    static java.nio.file.Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSessions.context("SparkTrainerTest");
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static RunConfig config(String... overrides) {
        return TestConfigs.of(List.of("run.name=t", "run.seed=11", "devices.count=4", "data.source=gmm",
                "data.rows=800", "model.type=mlp", "model.hidden=16,16", "train.batch=32", "train.chains=32",
                "chains.buffer=64", "chains.init=data", "sampler.steps=5", "sampler.stepSize=0.02", "train.l2=0.1",
                "optimizer.lr=3e-3", "spark.rddCheckpointEvery=3"), overrides);
    }

    /** A small Jarzynski run whose weights degenerate fast enough to resample within a few rounds. */
    static RunConfig jarzynski(String... extra) {
        List<String> o = new ArrayList<>(List.of("run.seed=5", "devices.count=4", "data.source=two-modes",
                "data.dim=3", "data.rows=400", "model.type=gmm", "model.gmm.logWeightLrScale=5", "train.method=jarzynski",
                "train.batch=400", "train.chains=50", "chains.buffer=50", "chains.init=model", "chains.reinit=0",
                "sampler.type=ula", "sampler.steps=1", "sampler.stepSize=0.1", "optimizer.type=sgd",
                "optimizer.lr=0.05", "jarzynski.threshold=0.05", "spark.rddCheckpointEvery=3"));
        o.addAll(List.of(extra));
        return config(o.toArray(new String[0]));
    }

    static float[] spark(RunConfig cfg, int rounds, List<RoundSummary> out) {
        Shard data = ShardLoader.loadAll(cfg);
        SparkTrainer t = new SparkTrainer(sc, cfg, data.sampleShape(), tmp.resolve("ckpt-" + System.nanoTime()).toString());
        try {
            t.run(rounds);
            out.addAll(t.history());
            return t.server().theta();
        } finally {
            t.close();
        }
    }

    static float[] local(RunConfig cfg, int rounds, List<RoundSummary> out) {
        LocalTrainer t = new LocalTrainer(cfg, ShardLoader.loadAll(cfg));
        out.addAll(t.run(rounds));
        return t.server().theta();
    }

    @ParameterizedTest(name = "spark.aggregation = {0}")
    @ValueSource(strings = {"collect", "reduce-scatter"})
    void sparkEqualsLocalFoldBitForBit(String aggregation) {
        String agg = "spark.aggregation=" + aggregation;
        String slices = "spark.reduceSlices=3";
        for (RunConfig cfg : List.of(config(agg, slices), config("compress.type=blocksign", "compress.block=64", agg, slices),
                config("compress.type=topk", "compress.density=0.05", "devices.fraction=0.5", agg, slices),
                jarzynski("compress.type=topk", "compress.density=0.3", agg, slices),
                jarzynski("jarzynski.resampling=global", "compress.type=blocksign", "compress.block=8", agg, slices))) {
            List<RoundSummary> hs = new ArrayList<>();
            List<RoundSummary> hl = new ArrayList<>();
            float[] a = spark(cfg, 7, hs);
            float[] b = local(cfg, 7, hl);
            assertArrayEquals(b, a, 0f, cfg.step().compressor().describe() + ": Spark and local θ differ");
            for (int i = 0; i < hs.size(); i++) {
                assertEquals(hl.get(i).devices(), hs.get(i).devices());
                assertEquals(hl.get(i).encodedBytes(), hs.get(i).encodedBytes());
                assertEquals(hl.get(i).energyNeg(), hs.get(i).energyNeg(), 0.0);
                assertEquals(hl.get(i).ess(), hs.get(i).ess(), 0.0);
            }
            if (cfg.method() == Method.JARZYNSKI) {
                org.junit.jupiter.api.Assertions.assertTrue(hs.stream().anyMatch(RoundSummary::resampleNext),
                        "the Jarzynski case must exercise resampling");
            }
        }
    }

    /**
     * Many more partitions than cores, every device a slice's reducer input, the privacy split of the Jarzynski
     * sums and the automatic slice count: still the local fold's θ.
     */
    @Test
    void reduceScatterWithManyPartitionsAndPrivacyEqualsTheLocalFold() {
        for (RunConfig cfg : List.of(
                config("devices.count=64", "data.rows=1280", "train.batch=8", "train.chains=8", "chains.buffer=8",
                        "compress.type=topk", "compress.density=0.1", "spark.aggregation=reduce-scatter"),
                jarzynski("privacy.clip=5", "privacy.noise=0.5", "compress.errorFeedback=false",
                        "spark.aggregation=reduce-scatter", "spark.reduceSlices=2"))) {
            List<RoundSummary> hs = new ArrayList<>();
            List<RoundSummary> hl = new ArrayList<>();
            assertArrayEquals(local(cfg, 4, hl), spark(cfg, 4, hs), 0f, "Spark and local θ differ");
            for (int i = 0; i < hs.size(); i++) {
                assertEquals(hl.get(i).devices(), hs.get(i).devices());
                assertEquals(hl.get(i).encodedBytes(), hs.get(i).encodedBytes());
                assertEquals(hl.get(i).loss(), hs.get(i).loss(), 0.0);
            }
        }
    }

    @Test
    void globalResamplingTakesItsOwnPath() {
        RunConfig island = jarzynski("compress.type=blocksign", "compress.block=8");
        RunConfig global = jarzynski("compress.type=blocksign", "compress.block=8", "jarzynski.resampling=global");
        List<RoundSummary> h = new ArrayList<>();
        float[] a = local(island, 7, h);
        float[] b = local(global, 7, new ArrayList<>());
        org.junit.jupiter.api.Assertions.assertTrue(h.stream().anyMatch(RoundSummary::resampleNext));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b),
                "walkers moved between devices give another θ than per-device resampling");
    }

    @Test
    void sameSeedSameThetaOtherSeedOtherTheta() {
        List<RoundSummary> ignore = new ArrayList<>();
        float[] a = spark(config(), 5, ignore);
        float[] b = spark(config(), 5, ignore);
        float[] c = spark(config("run.seed=12"), 5, ignore);
        assertArrayEquals(a, b, 0f);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    @Test
    void partialParticipationUsesTheSeededDeviceSets() {
        List<RoundSummary> h = new ArrayList<>();
        spark(config("devices.fraction=0.5"), 6, h);
        java.util.Set<List<Integer>> seen = new java.util.HashSet<>();
        for (RoundSummary s : h) {
            assertEquals(2, s.devices().size());
            seen.add(s.devices());
        }
        org.junit.jupiter.api.Assertions.assertTrue(seen.size() > 1, "device sets should vary across rounds");
    }
}
