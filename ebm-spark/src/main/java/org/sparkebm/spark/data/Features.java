package org.sparkebm.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.stat.MultivariateOnlineSummarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.FeatureScaling;
import org.sparkebm.core.data.IdxReader;
import org.sparkebm.core.data.Shard;
import scala.Tuple2;

/**
 * Rows of a Spark DataFrame as feature vectors, for training and scoring: named numeric columns (tabular data),
 * one vector/array column (Spark ML), or one column of images ({@link Image}: numbers or bytes in Parquet, or the
 * struct of Spark's image source). Validation names the source and the column (for image files, the file); a
 * missing cell counts as non-finite.
 */
public final class Features {
    private Features() {}

    /**
     * Which feature columns: named numeric columns, or one column holding a vector or a numeric array, or images
     * ({@code image} not null: then {@code vectorColumn} is the image column).
     */
    public record Spec(List<String> columns, String vectorColumn, Image image) implements Serializable {
        public static Spec columns(List<String> cols) {
            return new Spec(List.copyOf(cols), null, null);
        }

        public static Spec vector(String col) {
            return new Spec(null, col, null);
        }

        /** The column names, for messages. */
        public String describe() {
            return columns != null ? "columns " + columns
                    : (image != null ? "image column '" : "vector column '") + vectorColumn + "'";
        }

        /** The shape of one sample of {@code dim} features: the images' (C, H, W), else {@code [dim]}. */
        public int[] sampleShape(int dim) {
            return image != null ? image.shape().clone() : new int[] {dim};
        }
    }

    /**
     * How a column holds images of {@code shape} (C, H, W): {@code NUMBERS}, an array of C·H·W numbers in C, H, W
     * order, taken as they are; {@code BYTES}, binary of C·H·W pixels 0..255 in that order; {@code SPARK_IMAGE},
     * the struct of Spark's {@code image} data source (rows of interleaved B, G, R(, A) bytes, as OpenCV keeps them).
     * Pixels become −1..1 (p / 127.5 − 1, as IDX pixels do), channels R, G, B(, A).
     */
    public record Image(int[] shape, Encoding encoding) implements Serializable {
        public enum Encoding { NUMBERS, BYTES, SPARK_IMAGE }

        int size() {
            return shape[0] * shape[1] * shape[2];
        }

        String describe() {
            return shape[0] + "×" + shape[1] + "×" + shape[2];
        }
    }

    /**
     * The image column {@code col} of Parquet data: an array of numbers or binary.
     *
     * @throws DataException naming {@code source} and the column
     */
    public static Spec imageColumn(StructType schema, String col, int[] shape, String source) {
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains(col)) {
            throw new DataException(source + ": no column '" + col + "' (data.columns); the columns are " + names);
        }
        DataType t = schema.apply(col).dataType();
        Image.Encoding enc = t instanceof BinaryType ? Image.Encoding.BYTES
                : t instanceof ArrayType a && a.elementType() instanceof NumericType ? Image.Encoding.NUMBERS : null;
        if (enc == null) {
            throw new DataException(source + ": column '" + col + "' is " + t.simpleString() + "; images (data.shape)"
                    + " are an array of numbers or binary");
        }
        return new Spec(null, col, new Image(shape.clone(), enc));
    }

    /** The {@code image} column of Spark's image data source. */
    public static Spec sparkImages(int[] shape) {
        return new Spec(null, "image", new Image(shape.clone(), Image.Encoding.SPARK_IMAGE));
    }

    /** Why {@code row}'s image (at {@code field}) is not one of {@code image}'s shape, or null when it is. */
    static String imageProblem(Row row, int field, Image image) {
        if (row.isNullAt(field)) {
            return "no image (null)";
        }
        int n = image.size();
        switch (image.encoding()) {
            case NUMBERS -> {
                int len = row.getList(field).size();
                return len == n ? null : len + " numbers, not the " + n + " of a " + image.describe()
                        + " image (data.shape)";
            }
            case BYTES -> {
                int len = ((byte[]) row.get(field)).length;
                return len == n ? null : len + " bytes, not the " + n + " of a " + image.describe()
                        + " image (data.shape)";
            }
            default -> {
                Row img = row.getStruct(field);
                int h = img.getInt(1);
                int w = img.getInt(2);
                int c = img.getInt(3);
                if (h < 0 || w < 0 || c < 0) {
                    return "not a decodable image (PNG, JPEG, GIF or BMP)";
                }
                return c == image.shape()[0] && h == image.shape()[1] && w == image.shape()[2] ? null
                        : "a " + c + "×" + h + "×" + w + " image (channels×height×width), data.shape = "
                                + image.shape()[0] + "," + image.shape()[1] + "," + image.shape()[2];
            }
        }
    }

    /**
     * Checks every image of {@code df} against the spec's shape before any other work.
     *
     * @throws DataException naming the first bad image: its file, or {@code source}, its row and column
     */
    public static void checkImages(Dataset<Row> df, Spec spec, String source) {
        int field = df.schema().fieldIndex(spec.vectorColumn());
        Image image = spec.image();
        List<Tuple2<String, Long>> bad = df.javaRDD().zipWithIndex()
                .map(t -> {
                    String p = imageProblem(t._1(), field, image);
                    return p == null ? null : new Tuple2<>(image.encoding() == Image.Encoding.SPARK_IMAGE
                            ? t._1().getStruct(field).getString(0) + ": " + p
                            : source + ": row " + t._2() + ", column '" + spec.vectorColumn() + "': " + p, t._2());
                })
                .filter(t -> t != null).take(1);
        if (!bad.isEmpty()) {
            throw new DataException(bad.get(0)._1());
        }
    }

    /** One image as model inputs (C, H, W order), from a row that {@link #imageProblem} accepts. */
    static float[] extractImage(Row row, int field, Image image) {
        int n = image.size();
        float[] f = new float[n];
        switch (image.encoding()) {
            case NUMBERS -> {
                return extract(row, new int[] {field}, true); // a numeric array, as a vector column is read
            }
            case BYTES -> {
                byte[] b = (byte[]) row.get(field);
                for (int j = 0; j < n; j++) {
                    f[j] = IdxReader.pixel(b[j]);
                }
            }
            default -> {
                Row img = row.getStruct(field);
                byte[] b = (byte[]) img.get(5);
                int c = image.shape()[0];
                int hw = image.shape()[1] * image.shape()[2];
                for (int k = 0; k < c; k++) {
                    // OpenCV order B, G, R, A: R is byte 2, G 1, B 0, A 3; grey is byte 0
                    int from = c >= 3 && k < 3 ? 2 - k : k;
                    for (int p = 0; p < hw; p++) {
                        f[k * hw + p] = IdxReader.pixel(b[p * c + from]);
                    }
                }
            }
        }
        return f;
    }

    /**
     * The feature columns of a table: {@code wanted} checked against the schema (present, numeric), or every
     * column when {@code wanted} is null (then every column must be numeric).
     *
     * @throws DataException naming {@code source} and the column
     */
    public static Spec numericColumns(StructType schema, List<String> wanted, String source) {
        return numericColumns(schema, wanted, null, source);
    }

    /** The same, leaving {@code labelColumn} (if not null) out of "every column". */
    public static Spec numericColumns(StructType schema, List<String> wanted, String labelColumn, String source) {
        List<String> names = Arrays.asList(schema.fieldNames());
        List<String> cols = wanted != null ? wanted
                : names.stream().filter(n -> !n.equals(labelColumn)).toList();
        if (cols.isEmpty()) {
            throw new DataException(source + ": no columns");
        }
        for (String c : cols) {
            if (!names.contains(c)) {
                throw new DataException(source + ": no column '" + c + "' (data.columns); the columns are " + names);
            }
            DataType t = schema.apply(c).dataType();
            if (!(t instanceof NumericType)) {
                throw new DataException(source + ": column '" + c + "' is " + t.simpleString() + ", not numeric"
                        + (wanted == null ? " (name the feature columns with data.columns)" : ""));
            }
        }
        return Spec.columns(cols);
    }

    /** Checks that {@code col} exists and holds ml vectors or numeric arrays. */
    public static Spec vectorColumn(StructType schema, String col, String source) {
        if (!Arrays.asList(schema.fieldNames()).contains(col)) {
            throw new IllegalArgumentException(source + ": no column '" + col + "'; the columns are "
                    + Arrays.toString(schema.fieldNames()));
        }
        DataType t = schema.apply(col).dataType();
        boolean ok = t instanceof VectorUDT
                || t instanceof ArrayType a && a.elementType() instanceof NumericType;
        if (!ok) {
            throw new IllegalArgumentException(source + ": column '" + col + "' is " + t.simpleString()
                    + "; features must be a vector or an array of numbers");
        }
        return Spec.vector(col);
    }

    /** One feature row of {@code row} (by position in {@code fields}); a null cell becomes NaN. */
    public static float[] extract(Row row, int[] fields, boolean vector) {
        if (vector) {
            Object v = row.get(fields[0]);
            if (v == null) {
                return new float[] {Float.NaN};
            }
            if (v instanceof org.apache.spark.ml.linalg.Vector vec) {
                double[] a = vec.toArray();
                float[] f = new float[a.length];
                for (int j = 0; j < a.length; j++) {
                    f[j] = (float) a[j];
                }
                return f;
            }
            List<Object> list = row.getList(fields[0]);
            float[] f = new float[list.size()];
            for (int j = 0; j < f.length; j++) {
                Object o = list.get(j);
                f[j] = o == null ? Float.NaN : ((Number) o).floatValue();
            }
            return f;
        }
        float[] f = new float[fields.length];
        for (int j = 0; j < fields.length; j++) {
            f[j] = row.isNullAt(fields[j]) ? Float.NaN : ((Number) row.get(fields[j])).floatValue();
        }
        return f;
    }

    /** Positions of the spec's columns in {@code schema}. */
    public static int[] fieldIndices(StructType schema, Spec spec) {
        List<String> cols = spec.columns() != null ? spec.columns() : List.of(spec.vectorColumn());
        int[] idx = new int[cols.size()];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = schema.fieldIndex(cols.get(j));
        }
        return idx;
    }

    /** The feature rows of {@code df} in its row order. */
    public static JavaRDD<float[]> rows(Dataset<Row> df, Spec spec) {
        int[] fields = fieldIndices(df.schema(), spec);
        if (spec.image() != null) {
            Image image = spec.image();
            return df.javaRDD().map(r -> extractImage(r, fields[0], image));
        }
        boolean vector = spec.vectorColumn() != null;
        return df.javaRDD().map(r -> extract(r, fields, vector));
    }

    /**
     * The class labels of {@code df}'s {@code labelColumn} in row order, checked: present, numeric, whole numbers
     * in [0, classes). Messages name the source, the row and the column.
     */
    public static JavaRDD<Integer> labels(Dataset<Row> df, String labelColumn, int classes,
                                          String source) {
        if (!Arrays.asList(df.schema().fieldNames()).contains(labelColumn)) {
            throw new DataException(source + ": no label column '" + labelColumn + "' (data.labelColumn); the columns are "
                    + Arrays.asList(df.schema().fieldNames()));
        }
        if (!(df.schema().apply(labelColumn).dataType() instanceof NumericType)) {
            throw new DataException(source + ": label column '" + labelColumn + "' is "
                    + df.schema().apply(labelColumn).dataType().simpleString() + ", not numeric");
        }
        int f = df.schema().fieldIndex(labelColumn);
        JavaRDD<Double> raw = df.javaRDD().map(r -> r.isNullAt(f) ? Double.NaN : ((Number) r.get(f)).doubleValue());
        List<Tuple2<Double, Long>> bad = raw.zipWithIndex()
                .filter(t -> !(t._1() >= 0 && t._1() < classes && t._1() == Math.rint(t._1()))).take(1);
        if (!bad.isEmpty()) {
            throw new DataException(String.format(Locale.ROOT, "%s: row %d, label column '%s': %s is not a class in"
                    + " 0..%d (model.classes = %d)", source, bad.get(0)._2(), labelColumn, bad.get(0)._1(), classes - 1,
                    classes));
        }
        return raw.map(Double::intValue);
    }

    /**
     * The class of each image of Spark's image source, in row order: the index of its folder's name among the
     * sorted names of all the images' folders (one subfolder per class).
     *
     * @throws DataException when the images are in fewer than two folders, or in more than {@code classes}
     */
    public static JavaRDD<Integer> folderLabels(Dataset<Row> df, int classes, String source) {
        int field = df.schema().fieldIndex("image");
        List<String> names = new ArrayList<>(df.javaRDD().map(r -> folder(r.getStruct(field).getString(0)))
                .distinct().collect());
        Collections.sort(names);
        if (names.size() < 2) {
            throw new DataException(source + ": the images are in one folder " + names + "; a classifier (model.type"
                    + " = jem or mjem) needs one subfolder per class");
        }
        if (names.size() > classes) {
            throw new DataException(source + ": " + names.size() + " class folders " + names + " but model.classes = "
                    + classes);
        }
        return df.javaRDD().map(r -> Collections.binarySearch(names, folder(r.getStruct(field).getString(0))));
    }

    /** The name of the folder a file is in ({@code .../cat/1.png} → {@code cat}). */
    static String folder(String origin) {
        int end = origin.lastIndexOf('/');
        return origin.substring(origin.lastIndexOf('/', end - 1) + 1, Math.max(end, 0));
    }

    /** Row count, per-feature mean and standard deviation of validated rows. */
    public record Stats(long count, int dim, double[] mean, double[] std) {}

    /**
     * One pass over the rows with Spark's {@link MultivariateOnlineSummarizer}: count, mean and (population)
     * standard deviation per feature. Rows of different lengths, or any NaN/infinite/missing value, are refused
     * naming {@code source}, the row (0-based, in the source's order) and the column.
     */
    public static Stats scan(JavaRDD<float[]> rows, Spec spec, String source) {
        MultivariateOnlineSummarizer s;
        try {
            s = rows.map(Features::toMllib)
                    .treeAggregate(new MultivariateOnlineSummarizer(), (acc, v) -> acc.add(v), (a, b) -> a.merge(b), 2);
        } catch (Exception e) {
            // the summarizer refuses rows of another length ("Dimensions mismatch"), inside a SparkException (which
            // Scala throws undeclared, so javac sees only Exception here): name the first such row
            if (rows.isEmpty()) {
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
            DataException bad = firstBadRow(rows, rows.first().length, spec, source);
            bad.addSuppressed(e);
            throw bad;
        }
        long n = s.count();
        if (n == 0) {
            throw new DataException(source + ": no rows");
        }
        int d = s.mean().size();
        boolean finite = true;
        for (int j = 0; j < d; j++) {
            finite &= Double.isFinite(s.mean().apply(j)) && Double.isFinite(s.variance().apply(j));
        }
        if (!finite) {
            throw firstBadRow(rows, d, spec, source);
        }
        double[] mean = s.mean().toArray();
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            // mllib's variance is the unbiased sample variance; standardisation uses the population one
            std[j] = Math.sqrt(n > 1 ? s.variance().apply(j) * (n - 1) / n : 0);
        }
        return new Stats(n, d, mean, std);
    }

    private static org.apache.spark.mllib.linalg.Vector toMllib(float[] f) {
        double[] a = new double[f.length];
        for (int j = 0; j < f.length; j++) {
            a[j] = f[j];
        }
        return Vectors.dense(a);
    }

    /** Only on the error path: finds the first offending row for the message. */
    private static DataException firstBadRow(JavaRDD<float[]> rows, int d, Spec spec, String source) {
        List<Tuple2<float[], Long>> bad = rows.zipWithIndex().filter(t -> {
            if (t._1().length != d) {
                return true;
            }
            for (float v : t._1()) {
                if (!Float.isFinite(v)) {
                    return true;
                }
            }
            return false;
        }).take(1);
        if (bad.isEmpty()) {
            return new DataException(source + ": statistics of " + spec.describe() + " are not finite (values too large?)");
        }
        float[] r = bad.get(0)._1();
        long i = bad.get(0)._2();
        if (r.length != d) {
            return new DataException(String.format(Locale.ROOT, "%s: row %d of %s has %d features, the first row %d",
                    source, i, spec.describe(), r.length, d));
        }
        for (int j = 0; j < r.length; j++) {
            if (!Float.isFinite(r[j])) {
                String col = spec.columns() != null ? "column '" + spec.columns().get(j) + "'"
                        : "element " + j + " of column '" + spec.vectorColumn() + "'";
                return new DataException(String.format(Locale.ROOT, "%s: row %d, %s: %s (missing, NaN or infinite)",
                        source, i, col, Float.isNaN(r[j]) ? "missing or NaN" : String.valueOf(r[j])));
            }
        }
        throw new IllegalStateException();
    }

    /**
     * The rows dealt to {@code devices} shards: row i (in the source's order) goes to device i mod P, and each
     * shard keeps source order, so the same data gives the same shards on every run and every retry. This is the
     * one step that moves raw rows (from the input splits to their devices); training never moves them again.
     *
     * @param limit keep only the first {@code limit} rows (0: all)
     */
    public static JavaRDD<Shard> shards(JavaRDD<float[]> rows, int devices, FeatureScaling scaling, long limit) {
        return shards(rows, null, devices, scaling, limit, new int[] {scaling.dim()});
    }

    /**
     * The same with class labels ({@code labels}: one per row of {@code rows}, from the same DataFrame so the two
     * zip element by element; null for none), kept with their rows in each shard, as samples of {@code shape}.
     */
    public static JavaRDD<Shard> shards(JavaRDD<float[]> rows, JavaRDD<Integer> labels, int devices,
                                          FeatureScaling scaling, long limit, int[] shape) {
        // a label rides along as one more float (exact for class indices)
        JavaRDD<float[]> carried = labels == null ? rows : rows.zip(labels).map(t -> {
            float[] r = Arrays.copyOf(t._1(), t._1().length + 1);
            r[r.length - 1] = t._2();
            return r;
        });
        boolean labelled = labels != null;
        JavaPairRDD<Integer, Tuple2<Long, float[]>> keyed = carried.zipWithIndex()
                .filter(t -> limit <= 0 || t._2() < limit)
                .mapToPair(t -> new Tuple2<>((int) (t._2() % devices), new Tuple2<>(t._2(), t._1())));
        int d = scaling.dim();
        return keyed.partitionBy(new DevicePartitioner(devices)).mapPartitions(it -> {
            List<Tuple2<Long, float[]>> list = new ArrayList<>();
            while (it.hasNext()) {
                list.add(it.next()._2());
            }
            list.sort((a, b) -> Long.compare(a._1(), b._1()));
            float[] v = new float[list.size() * d];
            int[] l = labelled ? new int[list.size()] : null;
            for (int i = 0; i < list.size(); i++) {
                System.arraycopy(list.get(i)._2(), 0, v, i * d, d);
                if (labelled) {
                    l[i] = (int) list.get(i)._2()[d];
                }
            }
            scaling.applyInPlace(v, list.size());
            Iterator<Shard> one = List.of(new Shard(v, list.size(), shape.clone(), l)).iterator();
            return one;
        }, true);
    }
}
