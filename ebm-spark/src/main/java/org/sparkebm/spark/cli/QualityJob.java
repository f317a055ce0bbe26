package org.sparkebm.spark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.eval.FeatureGaussian;
import org.sparkebm.core.eval.FeatureNet;
import org.sparkebm.core.eval.FrechetDistance;
import org.sparkebm.core.eval.KernelDistance;
import org.sparkebm.core.util.Seeds;
import org.sparkebm.spark.data.ShardLoader;
import org.sparkebm.spark.io.HadoopFiles;

/**
 * {@code QualityJob <samples> <outDir> [classifier=…] [reference=…] ...}: the sample quality of image samples as
 * the Fréchet distance (FID) and the kernel distance (KID) to the reference images (the 10,000 Fashion-MNIST test
 * images), in the feature space of {@link FeatureNet}, a conv classifier of the data set trained once (on the
 * training images, seeded) and kept at {@code classifier}, then reused. {@code <samples>} is an IDX image file
 * (what {@code sample} writes as {@code samples-idx3-ubyte}, or a data file, e.g. the training images for the
 * floor of the scale), a folder holding {@code samples-idx3-ubyte}, or {@code uniform} (uniform noise, the other
 * end of the scale). Writes {@code quality.json}.
 */
public final class QualityJob {
    static final String USAGE = "usage: QualityJob <samples: idx file | sample output dir | uniform> <outDir>"
            + " [classifier=runs/fmnist-classifier.bin] [reference=<test images idx>] [referenceLabels=<idx>]"
            + " [train=<training images idx>] [trainLabels=<idx>] [epochs=8] [limit=10000] [seed=0]"
            + " [kidSubsets=100] [kidSize=1000]";
    static final String DIR = "/usr/share/datasets/fashion-mnist/";

    private QualityJob() {}

    public static void main(String[] args) {
        System.exit(run(args).code);
    }

    public static ExitCode run(String[] args) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("classifier", "runs/fmnist-classifier.bin");
        d.put("reference", OodEval.TEST_IMAGES);
        d.put("referenceLabels", OodEval.TEST_LABELS);
        d.put("train", DIR + "train-images-idx3-ubyte.gz");
        d.put("trainLabels", DIR + "train-labels-idx1-ubyte.gz");
        d.put("epochs", "8");
        d.put("limit", "10000");
        d.put("seed", "0");
        d.put("kidSubsets", "100");
        d.put("kidSize", "1000");
        return Commands.run("quality", USAGE, args, 2, d, a -> {
            a.integer("epochs", 1);
            a.integer("limit", 2);
            a.number("seed");
            a.integer("kidSubsets", 1);
            a.integer("kidSize", 2);
            Commands.requireAbsent(a.arg(1));
        }, QualityJob::evaluate);
    }

    private static void evaluate(SparkSession spark, CommandArgs a) throws IOException {
        long seed = (long) a.number("seed");
        int limit = a.integer("limit", 2);
        Shard reference = ShardLoader.readIdx(a.get("reference"), a.get("referenceLabels"), limit, null, null, 0);
        // the inputs are read and checked before a classifier is trained
        Shard samples = samples(a.arg(0), reference, limit, seed);
        if (!java.util.Arrays.equals(samples.sampleShape(), reference.sampleShape())) {
            throw new DataException(a.arg(0) + ": images of shape " + java.util.Arrays.toString(samples.sampleShape())
                    + ", the reference images are " + java.util.Arrays.toString(reference.sampleShape()));
        }
        FeatureNet net = classifier(a, reference, seed);
        if (!java.util.Arrays.equals(net.shape(), reference.sampleShape())) {
            throw new DataException(a.get("reference") + ": images of shape "
                    + java.util.Arrays.toString(reference.sampleShape()) + ", the classifier reads "
                    + java.util.Arrays.toString(net.shape()));
        }
        int k = FeatureNet.FEATURES;
        float[] fr = net.features(reference.values(), reference.rows());
        float[] fs = net.features(samples.values(), samples.rows());
        double fid = FrechetDistance.of(FeatureGaussian.fit(fs, samples.rows(), k),
                FeatureGaussian.fit(fr, reference.rows(), k));
        KernelDistance.Result kid = KernelDistance.of(fs, samples.rows(), fr, reference.rows(), k,
                a.integer("kidSubsets", 1), a.integer("kidSize", 2), seed);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samples", a.arg(0));
        out.put("n", samples.rows());
        out.put("reference", a.get("reference"));
        out.put("reference_n", reference.rows());
        out.put("fid", fid);
        out.put("kid", kid.mean());
        out.put("kid_std", kid.std());
        out.put("kid_subsets", kid.subsets());
        out.put("kid_subset_size", kid.subsetSize());
        out.put("classifier", a.get("classifier"));
        out.put("classifier_test_accuracy", net.accuracy(reference));
        out.put("features", "penultimate layer (" + k + " ReLU units) of the conv classifier");
        HadoopFiles.writeAtomically(new Path(HadoopFiles.path(a.arg(1)), "quality.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out)
                        .getBytes(StandardCharsets.UTF_8));
        System.out.printf(Locale.ROOT, "sparkebm quality: %s: FID %.2f, KID %.4f ± %.4f (%d samples against %d"
                + " reference images; classifier test accuracy %.4f)%n", a.arg(0), fid, kid.mean(), kid.std(),
                samples.rows(), reference.rows(), (double) out.get("classifier_test_accuracy"));
    }

    /** The classifier at {@code classifier=}, or one trained now on the training images and written there. */
    static FeatureNet classifier(CommandArgs a, Shard reference, long seed) throws IOException {
        Path file = HadoopFiles.path(a.get("classifier"));
        if (HadoopFiles.exists(file)) {
            try (InputStream in = HadoopFiles.open(a.get("classifier"))) {
                FeatureNet net = FeatureNet.read(in, a.get("classifier"));
                System.out.println("sparkebm quality: classifier " + file + " (reused)");
                return net;
            } catch (IOException e) {
                throw new DataException("classifier = " + e.getMessage(), e);
            }
        }
        Shard train = ShardLoader.readIdx(a.get("train"), a.get("trainLabels"), 0, null, null, 0);
        int classes = java.util.Arrays.stream(train.labels()).max().orElse(0) + 1;
        int epochs = a.integer("epochs", 1);
        System.out.println("sparkebm quality: training the feature classifier on " + train.rows() + " images of "
                + a.get("train") + " (" + epochs + " epochs, seed " + seed + "); it is kept at " + file);
        long t0 = System.nanoTime();
        FeatureNet net = FeatureNet.train(train, classes, epochs, seed, e -> System.out.printf(Locale.ROOT,
                "sparkebm quality: epoch %d/%d, %.0f s, ETA %.0f s%n", e, epochs, (System.nanoTime() - t0) / 1e9,
                (System.nanoTime() - t0) / 1e9 / e * (epochs - e)));
        HadoopFiles.writeAtomically(file, net::write);
        return net;
    }

    /** The samples to score (at most {@code limit}). */
    static Shard samples(String where, Shard reference, int limit, long seed) throws IOException {
        if (where.equals("uniform")) {
            int n = Math.min(limit, reference.rows());
            int d = reference.dim();
            float[] v = new float[n * d];
            SplittableRandom r = Seeds.random(seed, Seeds.Purpose.DATA, 2, 0, 0);
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (2 * r.nextDouble() - 1);
            }
            return new Shard(v, n, reference.sampleShape(), null);
        }
        Path p = HadoopFiles.path(where);
        if (HadoopFiles.exists(new Path(p, "samples-idx3-ubyte"))) {
            return ShardLoader.readIdx(new Path(p, "samples-idx3-ubyte").toString(), null, limit, null, null, 0);
        }
        if (HadoopFiles.exists(new Path(p, "model.bin"))) {
            throw new DataException(where + ": a run directory, not samples: draw them first with `sample " + where
                    + " <out> n=10000 steps=<K> init=config` (fresh chains) or `init=buffer` (the replay buffer),"
                    + " then score <out>");
        }
        return ShardLoader.readIdx(where, null, limit, null, null, 0);
    }
}
