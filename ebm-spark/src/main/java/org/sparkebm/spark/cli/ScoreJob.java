package org.sparkebm.spark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.Shard;
import org.sparkebm.spark.data.ShardLoader;
import org.sparkebm.spark.data.Tabular;
import org.sparkebm.spark.io.HadoopFiles;
import org.sparkebm.spark.ml.EbmModel;
import org.sparkebm.spark.plot.Curves;
import scala.Tuple2;

/**
 * {@code ScoreJob <model> <input> <output> [options]}: applies a saved model to new data on Spark and writes the
 * input rows with their energy (and normalised score) as Parquet (or CSV), atomically and never over an existing
 * output. With {@code label=<column>} it also reports the AUROC of energy as a detector of
 * {@code label = positive} (e.g. anomalies), into {@code <output>/_metrics.json} and the console, with the energy
 * histograms of both groups in {@code <output>/_energy.png} (files starting with '_' are ignored by Spark's readers).
 *
 * <p>{@code <model>}: a run directory, a {@code model.bin}, or a saved Spark ML {@code EbmModel}. {@code <input>}:
 * Parquet or CSV (Spark's readers, any Hadoop path; the model's training columns, or {@code features=<column>}
 * holding vectors/arrays), or an IDX image file (with {@code labels=<idx>} for a label column).
 */
public final class ScoreJob {
    static final String USAGE = "usage: ScoreJob <model: run dir | model.bin | saved EbmModel> <input: parquet | csv | idx>"
            + " <output> [format=auto|parquet|csv|idx] [features=<vector column>] [labels=<idx label file>]"
            + " [label=<column>] [positive=1] [score=score] [outputFormat=parquet|csv] [master=local[*]]";

    private ScoreJob() {}

    public static void main(String[] args) {
        System.exit(run(args).code);
    }

    public static ExitCode run(String[] args) {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("format", "auto");
        defaults.put("features", null);
        defaults.put("labels", null);
        defaults.put("label", null);
        defaults.put("positive", "1");
        defaults.put("score", "score");
        defaults.put("outputFormat", "parquet");
        return Commands.run("score", USAGE, args, 3, defaults, a -> {
            a.choice("outputFormat", "parquet", "csv");
            a.choice("format", "auto", "parquet", "csv", "idx");
            a.number("positive");
            Commands.requireAbsent(a.arg(2));
        }, (spark, a) -> score(spark, a));
    }

    private static ExitCode score(SparkSession spark, CommandArgs a) throws Exception {
        String output = a.arg(2);
        if (HadoopFiles.exists(HadoopFiles.path(output))) {
            throw new ConfigException("output " + output + " already exists; nothing was changed");
        }
        EbmModel model = EbmModel.open(a.arg(0));
        if (model.modelFile().config().data().projection() != null) {
            throw new ConfigException(a.arg(0) + " was trained on principal coordinates (data.projection = "
                    + model.modelFile().config().data().projection() + "); score takes the model's own features:"
                    + " project the data first, or use the sample and ood commands, which apply the projection");
        }
        if (a.get("features") != null) {
            model.setFeaturesCol(a.get("features"));
        }
        model.setScoreCol(a.get("score") == null ? "" : a.get("score"));
        String input = a.arg(1);
        String format = a.get("format").equals("auto") ? guessFormat(input) : a.get("format");
        int modelDim = Arrays.stream(model.modelFile().sampleShape()).reduce(1, (x, y) -> x * y);
        Dataset<Row> df;
        if (format.equals("idx")) {
            Shard img = ShardLoader.readIdx(input, a.get("labels"), 0, null, null);
            if (img.dim() != modelDim) {
                throw new DataException(input + ": images of " + img.dim() + " features ("
                        + Arrays.toString(img.sampleShape()) + "), but " + a.arg(0) + " takes " + modelDim + " ("
                        + Arrays.toString(model.modelFile().sampleShape()) + ")");
            }
            df = images(spark, img);
        } else {
            df = Tabular.read(spark, format.equals("csv") ? "csv" : "parquet", input, true);
        }
        try {
            model.transformSchema(df.schema());
        } catch (IllegalArgumentException e) {
            throw new DataException(e.getMessage().replaceFirst("^input", input) + " (name the column that holds the"
                    + " features with features=<column>)", e);
        }
        String label = a.get("label");
        if (label == null && format.equals("idx") && a.get("labels") != null) {
            label = "label";
        }
        if (label != null && !Arrays.asList(df.schema().fieldNames()).contains(label)) {
            throw new DataException(input + ": no label column '" + label + "'");
        }
        long t0 = System.nanoTime();
        Dataset<Row> scored = model.transform(df);
        if (format.equals("idx")) {
            scored = scored.drop(model.getOrDefault(model.featuresCol()));
        }
        spark.sparkContext().setJobDescription("score " + input + " → " + output);
        HadoopFiles.writeFrame(scored, output, a.get("outputFormat"));
        Dataset<Row> written = a.get("outputFormat").equals("csv")
                ? spark.read().option("header", true).option("inferSchema", true).csv(output)
                : spark.read().parquet(output);
        String energyCol = model.getOrDefault(model.energyCol());
        Row agg = written.agg(org.apache.spark.sql.functions.count("*"), org.apache.spark.sql.functions.avg(energyCol),
                org.apache.spark.sql.functions.min(energyCol), org.apache.spark.sql.functions.max(energyCol)).first();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("model", a.arg(0));
        metrics.put("input", input);
        metrics.put("rows", agg.getLong(0));
        metrics.put("energy_mean", agg.isNullAt(1) ? null : agg.getDouble(1));
        metrics.put("energy_min", agg.isNullAt(2) ? null : agg.getDouble(2));
        metrics.put("energy_max", agg.isNullAt(3) ? null : agg.getDouble(3));
        metrics.put("seconds", (System.nanoTime() - t0) / 1e9);
        if (label != null) {
            double auroc = auroc(written, energyCol, label, a.number("positive"));
            metrics.put("label", label);
            metrics.put("auroc_energy", auroc);
            HadoopFiles.writeAtomically(new Path(HadoopFiles.path(output), "_energy.png"),
                    histograms(written, agg.getLong(0), energyCol, label, a.number("positive")));
        }
        HadoopFiles.writeAtomically(new Path(HadoopFiles.path(output), "_metrics.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsBytes(metrics));
        System.out.printf(Locale.ROOT, "sparkebm score: %d rows → %s (mean energy %.4f)%s%n", agg.getLong(0), output,
                agg.isNullAt(1) ? Double.NaN : agg.getDouble(1), metrics.containsKey("auroc_energy")
                        ? String.format(Locale.ROOT, "; AUROC of energy for %s = %s: %.4f", label, a.get("positive"),
                        (double) metrics.get("auroc_energy")) : "");
        return ExitCode.OK;
    }

    /**
     * Area under the ROC curve of {@code scoreCol} (higher = positive) for rows whose {@code labelCol} equals
     * {@code positive}, with Spark's {@link BinaryClassificationMetrics} (exact: no binning). Rows with a NaN
     * score are left out.
     */
    public static double auroc(Dataset<Row> df, String scoreCol, String labelCol, double positive) {
        JavaRDD<Tuple2<Object, Object>> pairs = df.select(scoreCol, labelCol).javaRDD()
                .filter(r -> !r.isNullAt(0) && !Double.isNaN(r.getDouble(0)) && !r.isNullAt(1))
                .map(r -> new Tuple2<>(r.getDouble(0), ((Number) r.get(1)).doubleValue() == positive ? 1.0 : 0.0));
        BinaryClassificationMetrics m = new BinaryClassificationMetrics(pairs.rdd(), 0);
        double auc = m.areaUnderROC();
        m.unpersist();
        return auc;
    }

    /** Energy histograms of the positive and the other rows of {@code df} ({@code n} rows; sampled down to about 200,000). */
    static byte[] histograms(Dataset<Row> df, long n, String energyCol, String labelCol,
                             double positive)
            throws IOException {
        Dataset<Row> s = n > 200_000 ? df.sample(200_000.0 / n, 0) : df;
        List<Row> rows = s.select(energyCol, labelCol).collectAsList();
        double[] pos = rows.stream().filter(r -> !r.isNullAt(1) && ((Number) r.get(1)).doubleValue() == positive)
                .mapToDouble(r -> r.getDouble(0)).toArray();
        double[] neg = rows.stream().filter(r -> !r.isNullAt(1) && ((Number) r.get(1)).doubleValue() != positive)
                .mapToDouble(r -> r.getDouble(0)).toArray();
        Map<String, double[]> sets = new LinkedHashMap<>();
        sets.put(labelCol + " != " + positive, neg);
        sets.put(labelCol + " = " + positive, pos);
        return Curves.histograms("Energy by " + labelCol, sets);
    }

    static String guessFormat(String input) {
        String s = input.toLowerCase(Locale.ROOT);
        if (s.endsWith(".csv") || s.endsWith(".csv.gz")) {
            return "csv";
        }
        if (s.contains("idx") || s.endsWith("-ubyte.gz") || s.endsWith("-ubyte")) {
            return "idx";
        }
        return "parquet";
    }

    /** Images as rows (index, features: array of floats in the model's [−1, 1] scale, label if known). */
    static Dataset<Row> images(SparkSession spark, Shard img) {
        int d = img.dim();
        List<Row> rows = new ArrayList<>(img.rows());
        for (int i = 0; i < img.rows(); i++) {
            Float[] f = new Float[d];
            for (int j = 0; j < d; j++) {
                f[j] = img.values()[i * d + j];
            }
            Object[] v = img.labels() == null ? new Object[] {(long) i, f} : new Object[] {(long) i, f, img.labels()[i]};
            rows.add(RowFactory.create(v));
        }
        StructType schema = new StructType().add("index", DataTypes.LongType, false)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        if (img.labels() != null) {
            schema = schema.add("label", DataTypes.IntegerType, false);
        }
        return spark.createDataFrame(rows, schema);
    }
}
