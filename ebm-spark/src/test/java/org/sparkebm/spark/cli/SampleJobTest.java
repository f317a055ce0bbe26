package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.io.ModelFile;
import org.sparkebm.spark.testing.SparkTestSessions;

/**
 * The sampling command against an energy with a known answer: a unit Gaussian at μ = (1.5, −0.5) written as a
 * model file. The sample mean must be within 4 standard errors of μ (and a target shifted by 0.5 must be
 * rejected), the variance near 1, and the same seed must give the same samples.
 */
class SampleJobTest {
    @TempDir
    Path tmp;

    private Path modelFile() throws Exception {
        RunConfig cfg = RunConfig.fromMap(Map.of("run.name", "known", "data.source", "gmm", "data.means", "0,0",
                "data.weights", "1", "model.type", "gmm", "model.gmm.components", "1", "sampler.type", "ula",
                "sampler.stepSize", "0.05", "chains.uniform.low", "-3", "chains.uniform.high", "3"), "test");
        Path f = tmp.resolve("model.bin");
        try (OutputStream out = Files.newOutputStream(f)) {
            ModelFile.write(out, cfg, new int[] {2}, new float[] {1.5f, -0.5f, 0f});
        }
        return f;
    }

    private static List<Row> samples(Path dir) {
        SparkSession s = SparkTestSessions.session("SampleJobTest");
        try {
            return s.read().parquet(dir.resolve("samples.parquet").toString()).orderBy("index").collectAsList();
        } finally {
            s.stop();
        }
    }

    @Test
    void samplesMatchAKnownGaussianRejectAShiftedOneAndRepeatWithTheSeed() throws Exception {
        Path model = modelFile();
        int n = 600;
        String[] args = {model.toString(), tmp.resolve("a").toString(), "n=" + n, "steps=400", "init=uniform",
                "devices=3", "seed=9", "master=local[2]"};
        assertEquals(ExitCode.OK, SampleJob.run(args));
        List<Row> rows = samples(tmp.resolve("a"));
        assertEquals(n, rows.size());
        double[] mean = new double[2];
        double[] sq = new double[2];
        for (Row r : rows) {
            List<Float> f = r.getList(1);
            for (int j = 0; j < 2; j++) {
                mean[j] += f.get(j) / n;
                sq[j] += f.get(j) * f.get(j) / n;
            }
            assertTrue(Double.isFinite(r.getDouble(2)));
        }
        double tol = 4 / Math.sqrt(n);
        assertEquals(1.5, mean[0], tol);
        assertEquals(-0.5, mean[1], tol);
        assertTrue(Math.abs(mean[0] - 2.0) > tol, "a target shifted by 0.5 is rejected: " + mean[0]);
        for (int j = 0; j < 2; j++) {
            double var = sq[j] - mean[j] * mean[j];
            assertEquals(1.0, var, 0.2, "variance of coordinate " + j);
        }
        assertTrue(Files.size(tmp.resolve("a/samples.png")) > 1000);

        args[1] = tmp.resolve("b").toString();
        assertEquals(ExitCode.OK, SampleJob.run(args));
        List<Row> again = samples(tmp.resolve("b"));
        for (int i = 0; i < n; i++) {
            assertEquals(rows.get(i).getList(1), again.get(i).getList(1), "chain " + i + " repeats with the seed");
        }
        // an existing output is refused and left as it is
        assertEquals(ExitCode.BAD_CONFIG, SampleJob.run(args));
        assertArrayEquals(new String[] {"samples.parquet", "samples.png"},
                Files.list(tmp.resolve("b")).map(p -> p.getFileName().toString()).filter(f -> !f.startsWith("."))
                        .sorted().toArray(), "(Hadoop's local checksum files aside)");
    }
}
