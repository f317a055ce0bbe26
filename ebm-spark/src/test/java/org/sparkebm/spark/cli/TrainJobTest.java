package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkebm.core.io.ModelFile;
import org.sparkebm.spark.plot.Curves;
import org.sparkebm.spark.run.RunOutputs;

/** The job end to end in local mode: outputs, run directories never overwritten, exit codes for bad input. */
class TrainJobTest {
    @TempDir
    Path tmp;

    private Path conf() throws IOException {
        Path c = tmp.resolve("small.properties");
        Files.writeString(c, String.join("\n", "run.name = small", "run.rounds = 6", "run.logEvery = 2",
                "devices.count = 4", "data.source = gmm", "data.rows = 400", "model.type = mlp", "model.hidden = 8",
                "train.batch = 16", "train.chains = 16", "chains.buffer = 32", "chains.init = data",
                "sampler.steps = 3", "compress.type = blocksign", "compress.block = 16", "spark.master = local[2]"));
        return c;
    }

    private static String[] args(Path conf, String... more) {
        String[] a = new String[more.length + 1];
        a[0] = conf.toString();
        System.arraycopy(more, 0, a, 1, more.length);
        return a;
    }

    /** Runs the job capturing stderr. */
    private static Result run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            return new Result(TrainJob.run(args), err.toString());
        } finally {
            System.setErr(old);
        }
    }

    record Result(ExitCode code, String stderr) {}

    @Test
    void writesEveryOutputAndNeverOverwritesARun() throws Exception {
        Path out = tmp.resolve("runs");
        Path c = conf();
        Result r = run(args(c, "run.outputDir=" + out));
        assertEquals(ExitCode.OK, r.code(), r.stderr());
        Path dir = out.resolve("small");
        for (String f : List.of("manifest.json", "metrics.csv", "summary.json", "model.bin", "samples.png", "curves.png")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        java.awt.image.BufferedImage curves = javax.imageio.ImageIO.read(dir.resolve("curves.png").toFile());
        assertEquals(2 * Curves.W, curves.getWidth(), "curves.png is a readable grid of panels, two per row");
        assertEquals(0, curves.getHeight() % Curves.H);
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals(RunOutputs.CSV_HEADER, csv.get(0));
        assertEquals(7, csv.size(), "header + one row per round");
        List<String> cols = List.of(csv.get(0).split(","));
        for (String row : csv.subList(1, csv.size())) {
            String[] f = row.split(",", -1);
            double longest = Double.parseDouble(f[cols.indexOf("device_seconds")]);
            double total = Double.parseDouble(f[cols.indexOf("device_seconds_total")]);
            double round = Double.parseDouble(f[cols.indexOf("round_seconds")]);
            double outside = Double.parseDouble(f[cols.indexOf("outside_seconds")]);
            assertTrue(total >= longest && longest > 0, row);
            // local[2]: two task slots, so the device work covers at least max(longest, total / 2)
            assertEquals(Math.max(0, round - Math.max(longest, total / 2)), outside, 2e-6 * Math.max(1, round), row);
        }
        JsonNode s = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertEquals(6, s.get("rounds").asInt());
        assertEquals(2, s.get("mode_weights").size());
        long dense = s.get("dense_fp32_bytes_up").asLong();
        long enc = s.get("encoded_bytes_up").asLong();
        assertEquals(6L * 4 * 4 * 33, dense, "6 rounds x 4 devices x 4 bytes x 33 params");
        assertTrue(enc < dense);
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        assertEquals("small", manifest.get("config").get("run.name").asText());
        // versions read from the jars, not written by hand
        assertTrue(manifest.get("versions").get("nd4j").asText().matches("\\d+\\.\\d+\\.\\d+.*"),
                manifest.get("versions").toString());
        assertTrue(manifest.get("conv_kernels").asText().startsWith("oneDNN, SiLU vector ("), "the fast kernels, named: "
                + manifest.get("conv_kernels"));
        ModelFile.Loaded m;
        try (InputStream in = Files.newInputStream(dir.resolve("model.bin"))) {
            m = ModelFile.read(in, "model.bin");
        }
        assertArrayEquals(new int[] {2}, m.sampleShape());
        assertEquals(33, m.theta().length);
        assertEquals(2, m.model().inputDim());

        // a second run with the same name refuses and leaves the first untouched
        long before = Files.getLastModifiedTime(dir.resolve("model.bin")).toMillis();
        Result again = run(args(c, "run.outputDir=" + out));
        assertEquals(ExitCode.BAD_CONFIG, again.code());
        assertTrue(again.stderr().contains("already exists"), again.stderr());
        assertEquals(before, Files.getLastModifiedTime(dir.resolve("model.bin")).toMillis());
        // ifExists=new writes next to it, with the same θ (same seed)
        Result fresh = run(args(c, "run.outputDir=" + out, "run.ifExists=new"));
        assertEquals(ExitCode.OK, fresh.code(), fresh.stderr());
        try (InputStream a = Files.newInputStream(dir.resolve("model.bin"));
             InputStream b = Files.newInputStream(out.resolve("small-2").resolve("model.bin"))) {
            assertArrayEquals(ModelFile.read(a, "a").theta(), ModelFile.read(b, "b").theta(), 0f);
        }
    }

    @Test
    void aFinishedRunWithADamagedModelIsRepairedFromItsFinalCheckpoint() throws Exception {
        Path out = tmp.resolve("runs");
        String[] a = args(conf(), "run.outputDir=" + out, "spark.master=local[2]");
        assertEquals(ExitCode.OK, run(a).code());
        Path model = out.resolve("small/model.bin");
        float[] theta;
        try (InputStream in = Files.newInputStream(model)) {
            theta = ModelFile.read(in, "model.bin").theta();
        }
        // truncated, and its Hadoop checksum file gone with it (a plain copy, say)
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Files.deleteIfExists(out.resolve("small/.model.bin.crc"));
        String[] resume = args(conf(), "run.outputDir=" + out, "spark.master=local[2]", "run.ifExists=resume");
        PrintStream old = System.out;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        System.setOut(new PrintStream(said, true));
        try {
            assertEquals(ExitCode.OK, run(resume).code());
        } finally {
            System.setOut(old);
        }
        assertTrue(said.toString().contains("model.bin is unreadable"), said.toString());
        try (InputStream in = Files.newInputStream(model)) {
            assertArrayEquals(theta, ModelFile.read(in, "model.bin").theta(), 0f);
        }
        // and once whole again, a finished run is left alone
        assertEquals(ExitCode.OK, run(resume).code());
    }

    @Test
    void badConfigFailsBeforeSparkStartsWithTheKeyNamed() throws Exception {
        Path c = conf();
        Result unknown = run(args(c, "sampler.stpes=3"));
        assertEquals(ExitCode.BAD_CONFIG, unknown.code());
        assertTrue(unknown.stderr().contains("sampler.stpes") && unknown.stderr().contains("did you mean 'sampler.steps'"),
                unknown.stderr());
        Result negative = run(args(c, "sampler.steps=-1"));
        assertEquals(ExitCode.BAD_CONFIG, negative.code());
        assertTrue(negative.stderr().contains("sampler.steps") && negative.stderr().contains("command line"), negative.stderr());
        assertEquals(ExitCode.BAD_CONFIG, run(args(c, "compress.density=1.5", "compress.type=topk")).code());
        assertEquals(ExitCode.BAD_CONFIG, run(args(c, "compress.block=0")).code());
        Result tooMany = run(args(c, "devices.count=401"));
        assertEquals(ExitCode.BAD_CONFIG, tooMany.code());
        assertTrue(tooMany.stderr().contains("more devices than rows"), tooMany.stderr());
        assertEquals(ExitCode.BAD_CONFIG, run(args(tmp.resolve("missing.properties"))).code());
        Result conv = run(args(c, "model.type=conv"));
        assertEquals(ExitCode.BAD_CONFIG, conv.code());
        assertTrue(conv.stderr().contains("does not fit data of shape"), conv.stderr());
    }

    @Test
    void badDataFailsWithTheFileNamed() throws Exception {
        Path c = conf();
        Path truncated = tmp.resolve("trunc-images.gz");
        try (GZIPOutputStream z = new GZIPOutputStream(Files.newOutputStream(truncated))) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 + 100);
            b.putInt(2051).putInt(10).putInt(28).putInt(28);
            z.write(b.array());
        }
        Result r = run(args(c, "data.source=idx", "data.path=" + truncated, "model.type=mlp"));
        assertEquals(ExitCode.BAD_DATA, r.code());
        assertTrue(r.stderr().contains(truncated.toString()) && r.stderr().contains("truncated"), r.stderr());
        Result missing = run(args(c, "data.source=idx", "data.path=" + tmp.resolve("nope.gz")));
        assertEquals(ExitCode.BAD_DATA, missing.code());
        assertTrue(missing.stderr().contains("nope.gz"), missing.stderr());
        assertTrue(Files.notExists(tmp.resolve("runs")), "no run directory for rejected input");
    }

    @Test
    void csvDataTrainsAndANaNIsNamedWithFileRowAndColumn() throws Exception {
        Path c = conf();
        Path good = tmp.resolve("good.csv");
        StringBuilder sb = new StringBuilder("id,x,y\n");
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 200; i++) {
            sb.append(i).append(',').append(r.nextGaussian()).append(',').append(r.nextGaussian()).append('\n');
        }
        Files.writeString(good, sb.toString());
        Result ok = run(args(c, "data.source=csv", "data.path=" + good, "data.columns=x,y",
                "run.outputDir=" + tmp.resolve("runs")));
        assertEquals(ExitCode.OK, ok.code(), ok.stderr());
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "x,y\n1,2\n3,NaN\n");
        Result nan = run(args(c, "data.source=csv", "data.path=" + bad, "run.outputDir=" + tmp.resolve("runs2")));
        assertEquals(ExitCode.BAD_DATA, nan.code());
        assertTrue(nan.stderr().contains(bad.toString()) && nan.stderr().contains("row 1, column 'y'")
                && nan.stderr().contains("NaN"), nan.stderr());
        assertTrue(Files.notExists(tmp.resolve("runs2")), "rejected before anything is written");
        Result missingCol = run(args(c, "data.source=csv", "data.path=" + good, "data.columns=x,z"));
        assertEquals(ExitCode.BAD_DATA, missingCol.code());
        assertTrue(missingCol.stderr().contains("no column 'z'"), missingCol.stderr());
    }
}
