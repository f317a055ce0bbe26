package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkebm.core.data.IdxReader;
import org.sparkebm.core.io.ModelFile;
import org.sparkebm.core.model.HybridEnergy;

/**
 * M-JEM through the job on a small labelled image set written as IDX (three classes: a bright band at the top,
 * the middle or the bottom of a noisy 28×28 image): it learns to classify while training the energy, the plain
 * classifier (train.genWeight = 0) runs the same network without chains, and the commands sample per class and
 * report accuracy and the three OOD scores.
 */
class HybridJobTest {
    @TempDir
    static Path tmp;
    static Path images;
    static Path labels;

    static void write(Path imgs, Path lbls, int n, long seed) throws Exception {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n * 784];
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            l[i] = (byte) c;
            for (int r = 0; r < 28; r++) {
                for (int col = 0; col < 28; col++) {
                    boolean band = r >= 4 + 8 * c && r < 10 + 8 * c && col >= 4 && col < 24;
                    v[i * 784 + r * 28 + col] = (float) Math.max(-1, Math.min(1, (band ? 0.8 : -0.9) + 0.1 * rng.nextGaussian()));
                }
            }
        }
        try (OutputStream out = Files.newOutputStream(imgs)) {
            IdxReader.writeImages(out, v, n, 28, 28);
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(lbls))) {
            out.writeInt(IdxReader.LABEL_MAGIC);
            out.writeInt(n);
            out.write(l);
        }
    }

    @BeforeAll
    static void data() throws Exception {
        images = tmp.resolve("img-idx3-ubyte");
        labels = tmp.resolve("lbl-idx1-ubyte");
        write(images, labels, 600, 1);
        write(tmp.resolve("test-img"), tmp.resolve("test-lbl"), 300, 2);
    }

    static String[] args(String... extra) throws Exception {
        Path conf = tmp.resolve("mjem.properties");
        Files.writeString(conf, String.join("\n", "run.name=mjem", "run.seed=4", "run.rounds=40", "run.logEvery=20",
                "devices.count=2", "spark.master=local[2]", "data.source=idx", "data.path=" + images,
                "data.labels=" + labels, "model.type=mjem", "model.classes=3", "model.hidden=32", "train.batch=32",
                "train.chains=32", "train.clfBatch=32", "train.l2=1.0", "sampler.type=sgld", "sampler.steps=5",
                "sampler.stepSize=1.0", "sampler.noise=0.01", "sampler.clampMin=-1", "sampler.clampMax=1",
                "chains.buffer=200", "chains.init=gaussian", "chains.gaussian.covariance=diagonal",
                "compress.type=topk", "compress.density=0.1", "optimizer.lr=3e-3", "optimizer.beta1=0.5",
                "run.outputDir=" + tmp.resolve("runs")) + "\n");
        String[] a = new String[extra.length + 1];
        a[0] = conf.toString();
        System.arraycopy(extra, 0, a, 1, extra.length);
        return a;
    }

    static double lastAccuracy(Path run) throws Exception {
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        List<String> cols = List.of(csv.get(0).split(","));
        String[] last = csv.get(csv.size() - 1).split(",", -1);
        return Double.parseDouble(last[cols.indexOf("clf_accuracy")]);
    }

    @Test
    void mjemLearnsToClassifyTheSameNetTrainsAsAPlainClassifierAndTheCommandsUseBothHeads() throws Exception {
        assertEquals(ExitCode.OK, TrainJob.run(args()));
        Path run = tmp.resolve("runs/mjem");
        assertTrue(lastAccuracy(run) > 0.9, "training-batch accuracy " + lastAccuracy(run));
        try (InputStream in = Files.newInputStream(run.resolve("model.bin"))) {
            assertTrue(ModelFile.read(in, "model.bin").model() instanceof HybridEnergy);
        }
        assertEquals(ExitCode.OK, TrainJob.run(args("train.genWeight=0", "run.name=clf")));
        assertTrue(lastAccuracy(tmp.resolve("runs/clf")) > 0.9);

        Path ood = tmp.resolve("ood");
        assertEquals(ExitCode.OK, OodEval.run(new String[] {run.toString(), ood.toString(),
                "images=" + tmp.resolve("test-img"), "labels=" + tmp.resolve("test-lbl"), "limit=300",
                "master=local[2]"}));
        String report = Files.readString(ood.resolve("ood.json"));
        assertTrue(report.contains("\"test_accuracy\"") && report.contains("\"auroc_max_softmax\"")
                && report.contains("\"auroc_grad_norm\""), report);
        double acc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report).get("test_accuracy").asDouble();
        assertTrue(acc > 0.9, "held-out accuracy " + acc);

        Path samples = tmp.resolve("samples");
        assertEquals(ExitCode.OK, SampleJob.run(new String[] {run.toString(), samples.toString(), "n=30", "steps=20",
                "class=all", "devices=2", "master=local[2]"}));
        assertTrue(Files.size(samples.resolve("samples.png")) > 1000);
        // labels beyond model.classes are refused before any work
        assertEquals(ExitCode.BAD_CONFIG, TrainJob.run(args("model.classes=2", "run.name=few")));
        assertTrue(Files.notExists(tmp.resolve("runs/few")));
    }
}
