package org.sparkebm.spark.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.DataSource;
import org.sparkebm.core.data.DataSpec;
import org.sparkebm.core.data.FeatureScaling;
import org.sparkebm.core.data.Shard;
import org.sparkebm.spark.io.HadoopFiles;

/**
 * CSV and Parquet data through Spark's own readers (any Hadoop path), or a DataFrame handed over by the ML
 * estimator: feature columns chosen and checked, one validating pass (count, moments, non-finite cells), the
 * feature map (standardisation if asked), and the device shards as an RDD.
 */
public final class Tabular {
    private Tabular() {}

    /**
     * Validated tabular training data.
     *
     * @param shards  one {@link Shard} per device (persisted), already mapped by {@code scaling}
     * @param scaling raw columns → model inputs
     * @param rows    rows used for training (after data.limit)
     * @param shape   one sample's shape: {@code [dim]}, or images' (C, H, W)
     */
    public record Loaded(JavaRDD<Shard> shards, FeatureScaling scaling, long rows, int[] shape) {
        public int dim() {
            return scaling.dim();
        }

        /**
         * Every row on the driver (for the local engine), in source order: device shards interleaved back, so
         * {@code all().shard(p, P)} is device p's shard.
         */
        public Shard all() {
            List<Shard> parts = shards.collect();
            int d = dim();
            int total = 0;
            for (Shard p : parts) {
                total += p.rows();
            }
            float[] v = new float[total * d];
            int P = parts.size();
            for (int p = 0; p < P; p++) {
                Shard s = parts.get(p);
                for (int j = 0; j < s.rows(); j++) {
                    System.arraycopy(s.values(), j * d, v, (p + j * P) * d, d);
                }
            }
            int[] labels = null;
            if (!parts.isEmpty() && parts.get(0).labels() != null) {
                labels = new int[total];
                for (int p = 0; p < P; p++) {
                    for (int j = 0; j < parts.get(p).rows(); j++) {
                        labels[p + j * P] = parts.get(p).labels()[j];
                    }
                }
            }
            return new Shard(v, total, shape.clone(), labels);
        }

        /** Up to {@code n} model inputs from the shards (for pictures and bounds on the driver). */
        public Shard preview(int n) {
            List<Shard> parts = shards.map(s -> firstRows(s, n)).collect();
            int d = dim();
            int total = 0;
            for (Shard p : parts) {
                total += p.rows();
            }
            total = Math.min(total, n);
            float[] v = new float[total * d];
            int k = 0;
            for (Shard p : parts) {
                int m = Math.min(p.rows(), total - k);
                System.arraycopy(p.values(), 0, v, k * d, m * d);
                k += m;
            }
            return new Shard(v, total, shape.clone(), null);
        }
    }

    private static Shard firstRows(Shard s, int n) {
        int m = Math.min(n, s.rows());
        return new Shard(Arrays.copyOf(s.values(), m * s.dim()), m, s.sampleShape(), null);
    }

    /**
     * Reads data.path with Spark's csv, parquet or image reader (header and schema inference for CSV; images with
     * undecodable files kept, to be named, and in the order of their paths).
     */
    public static Dataset<Row> read(SparkSession spark, DataSpec d) {
        return read(spark, d.source().toString(), d.path(), d.csvHeader());
    }

    /**
     * Reads {@code path} with Spark's reader for {@code format} ({@code csv}: schema inferred, {@code header}
     * says whether the first line names the columns; {@code parquet}).
     *
     * @throws DataException naming the path when Spark cannot read it
     */
    public static Dataset<Row> read(SparkSession spark, String format, String path, boolean header) {
        DataFrameReader r = spark.read();
        try {
            return switch (format) {
                case "csv" -> r.option("header", header).option("inferSchema", true).option("mode", "PERMISSIVE")
                        .csv(path);
                case "parquet" -> r.parquet(path);
                case "images" -> r.format("image").option("dropInvalid", false).option("recursiveFileLookup", true)
                        .load(path).orderBy(functions.col("image.origin"));
                default -> throw new IllegalStateException("not a file format: " + format);
            };
        } catch (Exception e) {
            // Scala throws AnalysisException (a checked type to javac) undeclared: PATH_NOT_FOUND, UNABLE_TO_INFER_SCHEMA
            if (e instanceof AnalysisException) {
                throw new DataException(path + ": cannot read " + format + " data (" + e.getMessage() + ")", e);
            }
            // files that are not Parquet (gzip, text, ...) fail in the footer-reading job Spark runs to infer the
            // schema: the innermost cause says which file and why
            if (e instanceof org.apache.spark.SparkException) {
                String notParquet = format.equals("parquet") ? notParquet(path) : null;
                if (notParquet != null) {
                    throw new DataException(notParquet, e);
                }
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                throw new DataException(path + ": cannot read " + format + " data: " + root.getMessage(), e);
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    /**
     * The first file under {@code path} (a file or a folder of part files) that is not Parquet, said as a person
     * would read it, or null. Spark's own reasons differ by version ("not a Parquet file", "footer is too large");
     * the format's magic bytes ({@code PAR1} at both ends) do not.
     */
    static String notParquet(String path) {
        try {
            Path p = HadoopFiles.path(path);
            FileSystem fs = HadoopFiles.fs(p);
            for (FileStatus f : fs.getFileStatus(p).isDirectory() ? fs.listStatus(p)
                    : new FileStatus[] {fs.getFileStatus(p)}) {
                String name = f.getPath().getName();
                if (f.isDirectory() || name.startsWith("_") || name.startsWith(".")) {
                    continue; // Spark skips these too (_SUCCESS, .crc)
                }
                byte[] head = new byte[4];
                byte[] tail = new byte[4];
                if (f.getLen() >= 12) {
                    try (FSDataInputStream in = fs.open(f.getPath())) {
                        in.readFully(0, head);
                        in.readFully(f.getLen() - 4, tail);
                    }
                }
                byte[] magic = "PAR1".getBytes(StandardCharsets.US_ASCII);
                if (!Arrays.equals(head, magic) || !Arrays.equals(tail, magic)) {
                    return f.getPath() + ": not a Parquet file (" + (f.getLen() < 12 ? f.getLen() + " bytes"
                            : "no PAR1 magic at its " + (Arrays.equals(head, magic) ? "end" : "start")) + ")";
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // Spark's own reason stands
        }
    }

    /** The job's tabular data from the config's file. */
    public static Loaded load(SparkSession spark, RunConfig cfg) {
        DataSpec d = cfg.data();
        if (d.source() == DataSource.FRAME) {
            throw new ConfigException("data.source = frame is the DataFrame given to the Spark ML estimator"
                    + " (org.sparkebm.spark.ml.EbmEstimator); a job config names csv or parquet data with data.path");
        }
        Dataset<Row> df = read(spark, d);
        Features.Spec spec = d.source() == DataSource.IMAGES ? Features.sparkImages(d.shape())
                : d.images() ? Features.imageColumn(df.schema(), d.columns().get(0), d.shape(), d.path())
                : Features.numericColumns(df.schema(), d.columns(), d.labelColumn(), d.path());
        return load(df, spec, cfg, d.path());
    }

    /**
     * Validates {@code df}'s features and deals them to the devices.
     *
     * @param source names the data in messages
     */
    public static Loaded load(Dataset<Row> df, Features.Spec spec, RunConfig cfg, String source) {
        DataSpec d = cfg.data();
        if (spec.image() != null) {
            // the check, the statistics, the class folders and the shards each pass over the rows: decode (and,
            // for an image folder, sort) the images once, not per pass; released once the shards are made
            df = df.persist(StorageLevel.MEMORY_AND_DISK());
            df.sparkSession().sparkContext().setJobDescription("check the images of " + source);
            Features.checkImages(df, spec, source);
        }
        JavaRDD<float[]> rows = Features.rows(df, spec);
        JavaRDD<float[]> used = d.limit() > 0
                ? rows.zipWithIndex().filter(t -> t._2() < d.limit()).map(t -> t._1()) : rows;
        df.sparkSession().sparkContext().setJobDescription("validate " + source);
        Features.Stats st = Features.scan(used, spec, source);
        if (st.count() < cfg.devices()) {
            throw new DataException(source + ": " + st.count() + " rows cannot feed " + cfg.devices()
                    + " devices (devices.count)");
        }
        FeatureScaling scaling = d.standardize()
                ? FeatureScaling.standardize(spec.columns(), st.mean(), st.std())
                : FeatureScaling.identity(spec.columns(), st.dim());
        JavaRDD<Integer> labels = !cfg.model().hybrid() ? null
                : d.source() == DataSource.IMAGES ? Features.folderLabels(df, cfg.model().classes(), source)
                : d.labelColumn() == null ? null : Features.labels(df, d.labelColumn(), cfg.model().classes(), source);
        int[] shape = spec.sampleShape(st.dim());
        JavaRDD<Shard> shards = Features.shards(rows, labels, cfg.devices(), scaling, d.limit(), shape)
                .persist(StorageLevel.MEMORY_AND_DISK());
        if (spec.image() != null) {
            df.sparkSession().sparkContext().setJobDescription("deal the images of " + source + " to the devices");
            shards.count();
            df.unpersist();
        }
        return new Loaded(shards, scaling, st.count(), shape);
    }
}
