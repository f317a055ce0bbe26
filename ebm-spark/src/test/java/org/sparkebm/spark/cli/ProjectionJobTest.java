package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkebm.core.data.PcaProjection;
import org.sparkebm.core.io.ModelFile;

/**
 * Training in principal coordinates through the commands: fit-projection, fit-base in those coordinates, then a
 * Jarzynski run whose walkers start exactly from that base; the model works on m numbers per image and its samples
 * are drawn as the images they reconstruct. Bad inputs stop before any work.
 */
class ProjectionJobTest {
    @TempDir
    static Path tmp;
    static Path conf;

    @BeforeAll
    static void data() throws Exception {
        Path images = tmp.resolve("img-idx3-ubyte");
        Path labels = tmp.resolve("lbl-idx1-ubyte");
        HybridJobTest.write(images, labels, 400, 3);
        conf = tmp.resolve("latent.properties");
        Files.writeString(conf, String.join("\n", "run.name=latent", "run.seed=5", "run.rounds=30", "run.logEvery=10",
                "devices.count=2", "spark.master=local[2]", "data.source=idx", "data.path=" + images,
                "data.labels=" + labels, "data.classes=0,1,2", "data.classCounts=100,60,40",
                "data.projection=" + tmp.resolve("proj.bin"), "model.type=mlp", "model.hidden=16",
                "model.basePath=" + tmp.resolve("base.bin"), "model.zeroOutput=true", "train.method=jarzynski",
                "train.batch=50", "train.chains=40", "chains.buffer=40", "chains.init=model", "chains.reinit=0",
                "sampler.type=ula", "sampler.steps=1", "sampler.stepSize=0.05", "optimizer.type=adam",
                "optimizer.lr=1e-3", "run.outputDir=" + tmp.resolve("runs")) + "\n");
    }

    @Test
    void trainsInPrincipalCoordinatesAndDrawsImages() throws Exception {
        Path proj = tmp.resolve("proj.bin");
        assertEquals(ExitCode.OK, FitProjection.run(new String[] {conf.toString(), proj.toString(), "6"}));
        PcaProjection p = PcaProjection.read(Files.newInputStream(proj), proj.toString());
        assertEquals(6, p.components());
        assertArrayEquals(new int[] {1, 28, 28}, p.sourceShape());
        // an existing file is never replaced
        long before = Files.getLastModifiedTime(proj).toMillis();
        assertEquals(ExitCode.BAD_CONFIG, FitProjection.run(new String[] {conf.toString(), proj.toString(), "4"}));
        assertEquals(6, PcaProjection.read(Files.newInputStream(proj), proj.toString()).components());
        assertEquals(before, Files.getLastModifiedTime(proj).toMillis());
        assertEquals(ExitCode.BAD_CONFIG, FitProjection.run(new String[] {conf.toString(), tmp.resolve("p2.bin").toString(), "six"}));
        assertTrue(Files.notExists(tmp.resolve("p2.bin")));

        // the base is fitted in the projected coordinates the config names
        assertEquals(ExitCode.OK, FitBase.run(new String[] {conf.toString(), tmp.resolve("base.bin").toString(), "0.001"}));
        assertEquals(ExitCode.OK, TrainJob.run(new String[] {conf.toString()}));
        Path run = tmp.resolve("runs/latent");
        JsonNode manifest = new ObjectMapper().readTree(run.resolve("manifest.json").toFile());
        assertEquals("[6]", manifest.get("sample_shape").toString());
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertTrue(summary.get("final").get("ess").asDouble() > 1, summary.toString());
        try (InputStream in = Files.newInputStream(run.resolve("model.bin"))) {
            assertEquals(6, ModelFile.read(in, "model.bin").model().inputDim());
        }
        // 64 walkers drawn as 28×28 images, 8 per row at 2x with 2-pixel gaps
        BufferedImage png = javax.imageio.ImageIO.read(run.resolve("samples.png").toFile());
        assertEquals(8 * (56 + 2) + 2, png.getWidth());

        // the commands apply the projection: sample draws images, ood projects the test images, score refuses
        Path samples = tmp.resolve("samples");
        assertEquals(ExitCode.OK, SampleJob.run(new String[] {run.toString(), samples.toString(), "n=16", "steps=5",
                "devices=2", "master=local[2]"}));
        assertEquals(8 * (56 + 2) + 2, javax.imageio.ImageIO.read(samples.resolve("samples.png").toFile()).getWidth());
        assertEquals(16L * 784 + 16, Files.size(samples.resolve("samples-idx3-ubyte")));
        Path ood = tmp.resolve("ood");
        assertEquals(ExitCode.OK, OodEval.run(new String[] {run.toString(), ood.toString(),
                "images=" + tmp.resolve("img-idx3-ubyte"), "labels=" + tmp.resolve("lbl-idx1-ubyte"), "limit=100",
                "master=local[2]"}));
        JsonNode report = new ObjectMapper().readTree(ood.resolve("ood.json").toFile());
        assertEquals(100, report.get("rows_per_set").asInt());
        assertEquals(ExitCode.BAD_CONFIG, ScoreJob.run(new String[] {run.toString(), tmp.resolve("img-idx3-ubyte").toString(),
                tmp.resolve("scored").toString(), "master=local[2]"}));
        assertTrue(Files.notExists(tmp.resolve("scored")));
    }

    @Test
    void badProjectionSettingsStopBeforeAnyWork() throws Exception {
        String c = conf.toString();
        assertEquals(ExitCode.BAD_DATA, TrainJob.run(new String[] {c, "run.name=missing",
                "data.projection=" + tmp.resolve("nope.bin"), "model.basePath=", "chains.init=uniform"}));
        assertTrue(Files.notExists(tmp.resolve("runs/missing")));
        assertEquals(ExitCode.BAD_CONFIG, FitProjection.run(new String[] {c, tmp.resolve("p3.bin").toString(), "3",
                "data.source=gmm"}));
        assertTrue(Files.notExists(tmp.resolve("p3.bin")));
    }
}
