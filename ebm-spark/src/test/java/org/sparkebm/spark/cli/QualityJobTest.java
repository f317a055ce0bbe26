package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkebm.core.data.IdxReader;
import org.sparkebm.spark.testing.SparkTestSessions;

/**
 * The quality command end to end on a small generated image set (8×8, three classes told apart by where they are
 * bright): the classifier is trained once, kept and reused; the reference set scored against itself is at distance
 * 0, images of the data's own kind are near, uniform noise is far; a file that is not a classifier is bad data.
 */
class QualityJobTest {
    @TempDir
    Path tmp;

    /** n 8×8 images of three classes (bright top, bottom or left half, with noise) and their labels, as IDX files. */
    static void write(Path images, Path labels, int n, long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * 64];
        byte[] y = new byte[n];
        for (int i = 0; i < n; i++) {
            y[i] = (byte) r.nextInt(3);
            for (int p = 0; p < 64; p++) {
                boolean on = y[i] == 0 ? p / 8 < 4 : y[i] == 1 ? p / 8 >= 4 : p % 8 < 4;
                v[i * 64 + p] = (float) Math.max(-1, Math.min(1, (on ? 0.5 : -0.5) + 0.6 * (r.nextDouble() - 0.5)));
            }
        }
        try (OutputStream o = Files.newOutputStream(images)) {
            IdxReader.writeImages(o, v, n, 8, 8);
        }
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(labels))) {
            o.writeInt(IdxReader.LABEL_MAGIC);
            o.writeInt(n);
            o.write(y);
        }
    }

    private JsonNode quality(String samples, String out, String... extra) throws Exception {
        String[] base = {samples, tmp.resolve(out).toString(), "classifier=" + tmp.resolve("clf.bin"),
                "reference=" + tmp.resolve("test-images"), "referenceLabels=" + tmp.resolve("test-labels"),
                "train=" + tmp.resolve("train-images"), "trainLabels=" + tmp.resolve("train-labels"), "epochs=2",
                "kidSubsets=10", "kidSize=200", "master=local[1]"};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        assertEquals(ExitCode.OK, QualityJob.run(args));
        return new ObjectMapper().readTree(tmp.resolve(out).resolve("quality.json").toFile());
    }

    @Test
    void scoresSamplesAgainstTheReferenceWithAClassifierTrainedOnceAndReused() throws Exception {
        write(tmp.resolve("train-images"), tmp.resolve("train-labels"), 1200, 1);
        write(tmp.resolve("test-images"), tmp.resolve("test-labels"), 400, 2);
        write(tmp.resolve("more-images"), tmp.resolve("more-labels"), 400, 3);
        PrintStream old = System.out;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setOut(new PrintStream(log, true));
        JsonNode self;
        JsonNode same;
        JsonNode noise;
        try {
            self = quality(tmp.resolve("test-images").toString(), "self");
            assertTrue(Files.exists(tmp.resolve("clf.bin")), "the classifier is kept");
            assertTrue(log.toString().contains("training the feature classifier"), log.toString());
            log.reset();
            same = quality(tmp.resolve("more-images").toString(), "same");
            noise = quality("uniform", "noise");
            assertTrue(log.toString().contains("(reused)") && !log.toString().contains("training the"), log.toString());
        } finally {
            System.setOut(old);
        }
        assertTrue(self.get("classifier_test_accuracy").asDouble() > 0.95, self.toString());
        assertEquals(0, self.get("fid").asDouble(), 1e-6, "a set against itself");
        assertEquals(400, same.get("n").asInt());
        double near = same.get("fid").asDouble();
        double far = noise.get("fid").asDouble();
        assertTrue(near > 0 && far > 20 * near, "new images of the kind are near (" + near + "), noise far (" + far + ")");
        assertTrue(noise.get("kid").asDouble() > same.get("kid").asDouble());
        SparkTestSessions.session("QualityJobTest").stop();
    }

    @Test
    void aFileThatIsNotAClassifierIsBadDataAndNothingIsWritten() throws Exception {
        write(tmp.resolve("test-images"), tmp.resolve("test-labels"), 50, 2);
        Files.write(tmp.resolve("clf.bin"), new byte[] {1, 2, 3});
        ExitCode code = QualityJob.run(new String[] {"uniform", tmp.resolve("out").toString(),
                "classifier=" + tmp.resolve("clf.bin"), "reference=" + tmp.resolve("test-images"),
                "referenceLabels=" + tmp.resolve("test-labels"), "master=local[1]"});
        assertEquals(ExitCode.BAD_DATA, code);
        assertFalse(Files.exists(tmp.resolve("out")));
        // a run directory is not samples: the message says how to draw them
        Files.delete(tmp.resolve("clf.bin"));
        write(tmp.resolve("train-images"), tmp.resolve("train-labels"), 300, 1);
        Files.createDirectories(tmp.resolve("run"));
        Files.write(tmp.resolve("run/model.bin"), new byte[] {0});
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            code = QualityJob.run(new String[] {tmp.resolve("run").toString(), tmp.resolve("out").toString(),
                    "classifier=" + tmp.resolve("clf.bin"), "reference=" + tmp.resolve("test-images"),
                    "referenceLabels=" + tmp.resolve("test-labels"), "train=" + tmp.resolve("train-images"),
                    "trainLabels=" + tmp.resolve("train-labels"), "epochs=1", "master=local[1]"});
        } finally {
            System.setErr(old);
        }
        assertEquals(ExitCode.BAD_DATA, code);
        assertTrue(err.toString().contains("a run directory, not samples") && err.toString().contains("init=buffer"),
                err.toString());
        assertFalse(Files.exists(tmp.resolve("out")));
        assertFalse(Files.exists(tmp.resolve("clf.bin")), "no classifier is trained for inputs that are refused");
    }
}
