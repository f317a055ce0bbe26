package org.sparkebm.spark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.PcaProjection;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.eval.Energies;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.model.HybridEnergy;
import org.sparkebm.core.util.Seeds;
import org.sparkebm.spark.data.ShardLoader;
import org.sparkebm.spark.io.HadoopFiles;
import org.sparkebm.spark.ml.EbmModel;
import org.sparkebm.spark.plot.Curves;

/**
 * {@code OodEval <model> <outDir> [images=…] [labels=…] [limit=2000] [seed=0]}: out-of-distribution detection
 * with the energy of an image model. In-distribution: held-out test images (of the model's training classes, when
 * it was trained on some). Shifted sets built from them without downloads: inverted (x ↦ −x, i.e. 255 − pixel),
 * flipped upside down, uniform noise, and, when the model was trained on some classes, test images of the other
 * classes. Reports the AUROC of energy (higher = out of distribution) per set into {@code ood.json} and
 * {@code ood.md}, with the energy histograms in {@code ood.png}. For JEM / M-JEM models also the classifier's
 * test accuracy and JEM's other two scores: max softmax p(y|x) and the input-gradient norm ‖∇x log p(x)‖.
 * AUROCs come from Spark's {@code BinaryClassificationMetrics}.
 */
public final class OodEval {
    static final String USAGE = "usage: OodEval <model: run dir | model.bin | saved EbmModel> <outDir>"
            + " [images=<idx>] [labels=<idx>] [limit=2000] [seed=0] [master=local[*]]";
    static final String TEST_IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    static final String TEST_LABELS = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";

    private OodEval() {}

    public static void main(String[] args) {
        System.exit(run(args).code);
    }

    public static ExitCode run(String[] args) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("images", TEST_IMAGES);
        d.put("labels", TEST_LABELS);
        d.put("limit", "2000");
        d.put("seed", "0");
        return Commands.run("ood", USAGE, args, 2, d, a -> {
            a.integer("limit", 10);
            a.number("seed");
            Commands.requireAbsent(a.arg(1));
        }, OodEval::evaluate);
    }

    /** The shifted sets, each with {@code n} rows where possible. */
    static Map<String, Shard> shifted(Shard in, Shard others, long seed) {
        int n = in.rows();
        int d = in.dim();
        int h = in.sampleShape()[1];
        int w = in.sampleShape()[2];
        float[] inv = new float[n * d];
        float[] flip = new float[n * d];
        float[] noise = new float[n * d];
        SplittableRandom rng = Seeds.random(seed, Seeds.Purpose.DATA, 1, 0, 0);
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    float v = in.values()[i * d + r * w + c];
                    inv[i * d + r * w + c] = -v;
                    flip[i * d + (h - 1 - r) * w + c] = v;
                }
            }
        }
        for (int k = 0; k < noise.length; k++) {
            noise[k] = (float) (-1 + 2 * rng.nextDouble());
        }
        Map<String, Shard> sets = new LinkedHashMap<>();
        sets.put("inverted", new Shard(inv, n, in.sampleShape(), null));
        sets.put("flipped upside down", new Shard(flip, n, in.sampleShape(), null));
        sets.put("uniform noise", new Shard(noise, n, in.sampleShape(), null));
        if (others != null && others.rows() > 0) {
            sets.put("held-out classes", others);
        }
        return sets;
    }

    /** Scores of one set: energy, and for hybrids −max p(y|x) and ‖∇x E‖ (each: higher = more unusual). */
    private record Scores(double[] energy, double[] negMaxSoftmax, double[] gradNorm, double[] predicted) {}

    private static Scores scores(EnergyModel m, Shard set) {
        if (!(m instanceof HybridEnergy h)) {
            return new Scores(Energies.of(m, set.values(), set.rows(), 256), null, null, null);
        }
        double[][] p = Energies.hybridScores(h, set.values(), set.rows(), 256);
        double[] neg = Arrays.stream(p[2]).map(v -> -v).toArray();
        return new Scores(p[0], neg, Energies.inputGradientNorms(m, set.values(), set.rows(), 256), p[1]);
    }

    /** AUROC of a score for "out" against "in" with Spark's BinaryClassificationMetrics. */
    static double auroc(SparkSession spark, double[] in, double[] out) {
        List<Row> rows = new ArrayList<>(in.length + out.length);
        for (double v : in) {
            rows.add(RowFactory.create(v, 0));
        }
        for (double v : out) {
            rows.add(RowFactory.create(v, 1));
        }
        StructType schema = new StructType()
                .add("score", DataTypes.DoubleType)
                .add("ood", DataTypes.IntegerType);
        return ScoreJob.auroc(spark.createDataFrame(rows, schema), "score", "ood", 1);
    }

    private static void evaluate(SparkSession spark, CommandArgs a) throws Exception {
        EbmModel em = EbmModel.open(a.arg(0));
        RunConfig cfg = em.modelFile().config();
        // a model trained on principal coordinates reads the images through its projection
        PcaProjection projection = cfg.data().projection() == null ? null
                : PcaProjection.read(cfg.data().projection());
        Function<Shard, Shard> toModel = d -> projection == null ? d : projection.project(d, a.get("images"));
        int[] shape = projection != null ? projection.sourceShape() : em.modelFile().sampleShape();
        if (shape.length != 3) {
            throw new ConfigException(a.arg(0) + ": OodEval needs an image model (sample shape "
                    + Arrays.toString(shape) + ")");
        }
        EnergyModel model = em.modelFile().model();
        boolean hybrid = model instanceof HybridEnergy;
        int limit = a.integer("limit", 10);
        Shard test = ShardLoader.readIdx(a.get("images"), a.get("labels"), 0, null, null);
        int[] classes = cfg.data().classes();
        Shard in = keep(test, classes, true, limit);
        Shard others = classes == null ? null : keep(test, classes, false, limit);
        Map<String, Shard> sets = shifted(in, others, (long) a.number("seed"));
        Scores inS = scores(model, toModel.apply(in));
        double inMean = Arrays.stream(inS.energy()).average().orElse(Double.NaN);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", a.arg(0));
        report.put("in_distribution", a.get("images") + (classes == null ? "" : " classes " + Arrays.toString(classes)));
        report.put("rows_per_set", in.rows());
        report.put("in_distribution_mean_energy", inMean);
        if (hybrid && in.labels() != null) {
            int correct = 0;
            for (int i = 0; i < in.rows(); i++) {
                correct += (int) inS.predicted()[i] == in.labels()[i] ? 1 : 0;
            }
            double acc = (double) correct / in.rows();
            report.put("test_accuracy", acc);
            System.out.printf(Locale.ROOT, "sparkebm ood: classifier accuracy on %d test images: %.4f%n", in.rows(), acc);
        }
        Map<String, double[]> energies = new LinkedHashMap<>();
        energies.put("in distribution", inS.energy());
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder md = new StringBuilder(hybrid
                ? "| shifted set | rows | mean energy | AUROC log p(x) | AUROC max softmax | AUROC ‖∇x log p(x)‖ |\n|---|---|---|---|---|---|\n"
                : "| shifted set | rows | mean energy | AUROC of energy |\n|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| in distribution (%s) | %d | %.4f |%s%n",
                classes == null ? "test images" : "test images of classes " + Arrays.toString(classes),
                in.rows(), inMean, hybrid ? " — | — | — |" : " — |"));
        for (Map.Entry<String, Shard> e : sets.entrySet()) {
            Scores o = scores(model, toModel.apply(e.getValue()));
            double mean = Arrays.stream(o.energy()).average().orElse(Double.NaN);
            double auc = auroc(spark, inS.energy(), o.energy());
            energies.put(e.getKey(), o.energy());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("set", e.getKey());
            r.put("rows", e.getValue().rows());
            r.put("mean_energy", mean);
            r.put("auroc_energy", auc);
            String extra = "";
            if (hybrid) {
                double aucSoft = auroc(spark, inS.negMaxSoftmax(), o.negMaxSoftmax());
                double aucGrad = auroc(spark, inS.gradNorm(), o.gradNorm());
                r.put("auroc_max_softmax", aucSoft);
                r.put("auroc_grad_norm", aucGrad);
                extra = String.format(Locale.ROOT, " %.4f | %.4f |", aucSoft, aucGrad);
            }
            rows.add(r);
            md.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f |%s%n", e.getKey(), e.getValue().rows(), mean,
                    auc, extra));
            System.out.printf(Locale.ROOT, "sparkebm ood: %-22s AUROC %.4f (mean energy %.4f vs %.4f in distribution)%s%n",
                    e.getKey(), auc, mean, inMean, hybrid ? "; max softmax / grad norm:" + extra : "");
        }
        model.release();
        report.put("sets", rows);
        Path dir = HadoopFiles.path(a.arg(1));
        HadoopFiles.writeAtomically(new Path(dir, "ood.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
        HadoopFiles.writeAtomically(new Path(dir, "ood.md"),
                md.toString().getBytes(StandardCharsets.UTF_8));
        HadoopFiles.writeAtomically(new Path(dir, "ood.png"),
                Curves.histograms("Energy: in distribution vs shifted sets", energies));
        System.out.println("sparkebm ood: results in " + dir + " (ood.json, ood.md, ood.png)");
    }

    /** The first {@code limit} images whose class is (or, {@code in = false}, is not) among {@code classes}. */
    static Shard keep(Shard all, int[] classes, boolean in, int limit) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < all.rows() && idx.size() < limit; i++) {
            boolean member = classes == null;
            if (classes != null) {
                for (int c : classes) {
                    member |= all.labels()[i] == c;
                }
            }
            if (member == in) {
                idx.add(i);
            }
        }
        return all.rows(idx.stream().mapToInt(Integer::intValue).toArray());
    }
}
