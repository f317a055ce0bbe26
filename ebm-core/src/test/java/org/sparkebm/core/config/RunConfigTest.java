package org.sparkebm.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkebm.core.data.Shard;

class RunConfigTest {
    static final Path CONF = Path.of("..", "conf");

    static Stream<Path> confFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(CONF)) {
            files = s.filter(p -> p.toString().endsWith(".properties")).sorted().toList();
        }
        assertTrue(files.size() >= 4, "conf/ should hold at least quickstart, gmm50, fmnist-conv, fmnist-mlp");
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("confFiles")
    void everyConfFileParsesAndRoundTrips(Path file) throws IOException {
        RunConfig c = RunConfig.load(file, baseOverride(file));
        RunConfig again = RunConfig.fromMap(c.resolved(), "resolved");
        assertEquals(c.resolved(), again.resolved());
        if (c.data().synthetic()) {
            assertEquals(c.model().create(c.data().syntheticShape(), org.nd4j.linalg.api.buffer.DataType.FLOAT).inputDim(),
                    c.data().generate(c.seed()).dim());
        }
    }

    @org.junit.jupiter.api.io.TempDir
    static Path tmp;

    /**
     * Configs with model.basePath (and data.projection) name files their bench script writes first (fit-base,
     * fit-projection): parse them against files of the right dimensions (784 pixels; 32 principal coordinates when
     * projected) fitted to random rows here.
     */
    static List<String> baseOverride(Path file) throws IOException {
        String text = Files.readString(file);
        if (!text.contains("model.basePath")) {
            return List.of();
        }
        boolean projected = text.contains("data.projection");
        int d = projected ? 32 : 784;
        Path base = tmp.resolve("base-" + d + ".bin");
        Path proj = tmp.resolve("projection-32.bin");
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        if (!Files.exists(base)) {
            float[] v = new float[900 * d];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rng.nextGaussian();
            }
            Files.write(base, org.sparkebm.core.model.FittedGaussian.fit(
                    new Shard(v, 900, new int[] {d}, null), 0.05).toBytes());
        }
        if (!projected) {
            return List.of("model.basePath=" + base.toUri());
        }
        if (!Files.exists(proj)) {
            float[] v = new float[100 * 784];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rng.nextGaussian();
            }
            Files.write(proj, org.sparkebm.core.data.PcaProjection.fit(
                    new Shard(v, 100, new int[] {1, 28, 28}, null), 32).toBytes());
        }
        return List.of("model.basePath=" + base.toUri(), "data.projection=" + proj.toUri());
    }

    @Test
    void w2ConfigBuildsTheW2Net() {
        RunConfig c = RunConfig.load(CONF.resolve("fmnist-conv.properties"), List.of());
        assertEquals(101_889, c.initialModel(new int[] {1, 28, 28}).numParams());
    }

    @Test
    void overridesWinAndAreValidated() {
        RunConfig c = RunConfig.load(CONF.resolve("quickstart.properties"), List.of("sampler.steps=3", "run.seed=99"));
        assertEquals(3, c.step().steps());
        assertEquals(99, c.seed());
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunConfig.load(CONF.resolve("quickstart.properties"), List.of("chains.reinit=1.5")));
        assertTrue(e.getMessage().contains("command line: chains.reinit") && e.getMessage().contains("[0.0, 1.0]"), e.getMessage());
    }

    @Test
    void unknownKeysAreErrorsWithASuggestion() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunConfig.load(CONF.resolve("quickstart.properties"), List.of("optimiser.lr=1")));
        assertTrue(e.getMessage().contains("unknown key 'optimiser.lr'") && e.getMessage().contains("optimizer.lr"), e.getMessage());
        assertThrows(ConfigException.class, () -> RunConfig.load(CONF.resolve("quickstart.properties"), List.of("noequals")));
    }

    @Test
    void badValuesNameTheKey() {
        for (String bad : List.of("sampler.steps=-1", "compress.block=0", "compress.type=zip", "optimizer.lr=0",
                "devices.count=0", "run.rounds=abc", "model.hidden=4,-1", "sampler.clampMax=-inf", "run.name=a/b",
                "model.conv.layers=3:3", "devices.fraction=0")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> RunConfig.load(CONF.resolve("quickstart.properties"), List.of(bad)), bad);
            String key = bad.substring(0, bad.indexOf('='));
            assertTrue(e.getMessage().contains(key) || e.getMessage().contains("sampler.clampMax"), bad + " → " + e.getMessage());
        }
    }

    @Test
    void projectionSettingsAreCheckedAndNamed() throws IOException {
        Path w4 = CONF.resolve("fmnist-biased-jarzynski.properties");
        List<String> ok = baseOverride(w4);
        RunConfig c = RunConfig.load(w4, ok);
        assertTrue(c.data().projection().endsWith("projection-32.bin"), c.data().projection());
        java.util.function.Function<String, String> bad = extra -> {
            List<String> o = new java.util.ArrayList<>(ok);
            o.add(extra);
            return assertThrows(ConfigException.class, () -> RunConfig.load(w4, o), extra).getMessage();
        };
        // a missing projection file is bad data (exit code 3), named with its key
        List<String> missing = new java.util.ArrayList<>(ok);
        missing.add("data.projection=" + tmp.resolve("missing.bin"));
        assertTrue(assertThrows(org.sparkebm.core.data.DataException.class, () -> RunConfig.load(w4, missing))
                .getMessage().contains("data.projection"));
        assertTrue(bad.apply("model.type=conv").contains("data.projection"));
        assertTrue(bad.apply("privacy.clip=1").contains("data.projection"));
        String source = assertThrows(ConfigException.class, () -> RunConfig.load(CONF.resolve("quickstart.properties"),
                List.of("data.projection=" + tmp.resolve("projection-32.bin").toUri()))).getMessage();
        assertTrue(source.contains("data.projection") && source.contains("idx"), source);
    }

    @Test
    void renamedKeysStillReadUnderTheirNewName() {
        Path quick = CONF.resolve("quickstart.properties");
        RunConfig old = RunConfig.load(quick, List.of("spark.checkpointEvery=7"));
        assertEquals(7, old.spark().rddCheckpointEvery());
        assertEquals("7", old.resolved().get("spark.rddCheckpointEvery"));
        assertTrue(!old.resolved().containsKey("spark.checkpointEvery"), "stored under the new name only");
        // a stored config (checkpoint, model file) written before the rename
        java.util.Map<String, String> stored = new java.util.TreeMap<>(old.resolved());
        stored.put("spark.checkpointEvery", stored.remove("spark.rddCheckpointEvery"));
        assertEquals(old.resolved(), RunConfig.fromMap(stored, "old model").resolved());
        assertTrue(org.sparkebm.core.checkpoint.CheckpointCodec.configDifferences(stored, old.resolved()).isEmpty());
        ConfigException both = assertThrows(ConfigException.class,
                () -> RunConfig.load(quick, List.of("spark.checkpointEvery=7", "spark.rddCheckpointEvery=9")));
        assertTrue(both.getMessage().contains("old name of spark.rddCheckpointEvery"), both.getMessage());
    }

    @Test
    void missingRequiredKeyIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfig.load(null, List.of("run.seed=1")));
        assertTrue(e.getMessage().contains("run.name"), e.getMessage());
    }

    @Test
    void idxWithoutPathIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfig.load(null, List.of("run.name=x", "data.source=idx")));
        assertTrue(e.getMessage().contains("data.path"), e.getMessage());
    }

    @Test
    void docsConfigMdIsGeneratedFromTheKeys() throws IOException {
        String onDisk = Files.readString(Path.of("..", "docs", "config.md"));
        assertEquals(ConfigDocs.markdown(), onDisk,
                "docs/config.md is stale: regenerate with ConfigDocs (see README, 'Configuration')");
    }
}
