package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.spark.engine.SparkTrainer;

/**
 * Every config in {@code conf/} runs on the Spark engine for more than twice the rounds after which its
 * device-state lineage must be cut, with {@code spark.rddCheckpointEvery} set far above that: only the engine's own
 * cut keeps the tasks deserialisable. Data and sizes are shrunk (small generated images and tables, one Langevin
 * step, tiny batches); the method, model family, resampling and devices are the config's, and the W1 configs run
 * with 4 devices as a user would try them.
 */
@Tag("slow")
class ShippedConfigsOnSparkTest {
    @TempDir
    static Path tmp;
    static Path images;
    static Path labels;
    static Path table;

    @BeforeAll
    static void data() throws Exception {
        images = tmp.resolve("img-idx3-ubyte");
        labels = tmp.resolve("lbl-idx1-ubyte");
        HybridJobTest.write(images, labels, 300, 3); // 28×28 images of three classes, labels 0, 1, 2
        table = tmp.resolve("tabular");
        assertEquals(ExitCode.OK, MakeTabular.run(new String[] {table.toString(), "rows=400", "master=local[2]"}));
    }

    static Stream<Path> confFiles() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("..", "conf"))) {
            return s.filter(p -> p.toString().endsWith(".properties")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("confFiles")
    void runsPastTwiceItsLineageLimit(Path conf) throws Exception {
        String name = conf.getFileName().toString().replace(".properties", "");
        java.util.Properties shipped = new java.util.Properties(); // as written: its data files are not here
        try (var in = Files.newBufferedReader(conf)) {
            shipped.load(in);
        }
        List<String> o = new ArrayList<>(List.of("run.name=" + name, "run.outputDir=" + tmp.resolve("runs"),
                "run.logEvery=100000", "spark.master=local[2]", "spark.rddCheckpointEvery=100000",
                "checkpoint.every=100000", "sampler.steps=1", "train.batch=8", "train.chains=8", "chains.buffer=8",
                "train.clfBatch=8", "run.samples=4"));
        switch (shipped.getProperty("data.source", "gmm").trim()) {
            case "idx" -> {
                o.addAll(List.of("data.path=" + images, "data.labels=" + labels));
                if (shipped.containsKey("data.classes")) {
                    o.addAll(List.of("data.classes=0,1,2", "data.classCounts=16,12,8"));
                }
            }
            case "parquet" -> o.add("data.path=" + table.resolve("train.parquet"));
            default -> o.addAll(List.of("data.rows=64", "devices.count=4"));
        }
        if (shipped.containsKey("data.projection")) {
            Path proj = tmp.resolve(name + "-projection.bin");
            Path base = tmp.resolve(name + "-base.bin");
            String[] data = {"data.path=" + images, "data.labels=" + labels, "data.classes=0,1,2",
                "data.classCounts=16,12,8"};
            assertEquals(ExitCode.OK, FitProjection.run(concat(new String[] {conf.toString(), proj.toString(), "4"},
                    data)));
            assertEquals(ExitCode.OK, FitBase.run(concat(new String[] {conf.toString(), base.toString(), "0.05",
                    "data.projection=" + proj}, data)));
            o.addAll(List.of("data.projection=" + proj, "model.basePath=" + base));
        }
        RunConfig small = RunConfig.load(conf, o);
        int rounds = 2 * SparkTrainer.lineageLimitRounds(small) + 5;
        o.add("run.rounds=" + rounds);
        List<String> args = new ArrayList<>(List.of(conf.toString()));
        args.addAll(o);
        assertEquals(ExitCode.OK, TrainJob.run(args.toArray(new String[0])), name);
        var summary = new ObjectMapper().readTree(tmp.resolve("runs").resolve(name).resolve("summary.json").toFile());
        assertEquals(rounds, summary.get("rounds").asInt(), name);
        assertTrue(Files.exists(tmp.resolve("runs").resolve(name).resolve("model.bin")), name);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
