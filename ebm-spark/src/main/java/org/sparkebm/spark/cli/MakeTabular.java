package org.sparkebm.spark.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.data.Synthetic;
import org.sparkebm.core.util.Seeds;
import org.sparkebm.spark.io.HadoopFiles;

/**
 * {@code MakeTabular <outDir> [rows=20000] [dim=8] [fraction=0.05] [seed=1] [format=parquet|csv]}: writes the
 * synthetic anomaly-detection set of {@link Synthetic#anomalies} as {@code train.<format>} and
 * {@code test.<format>} (independent draws of the same structure, the same anomaly fraction), columns
 * {@code f0 … f<d−1>} and {@code label} (1 = anomaly). Everything comes from the seed. Existing outputs are never
 * replaced.
 */
public final class MakeTabular {
    static final String USAGE = "usage: MakeTabular <outDir> [rows=20000] [dim=8] [fraction=0.05] [seed=1]"
            + " [format=parquet|csv] [master=local[*]]";

    private MakeTabular() {}

    public static void main(String[] args) {
        System.exit(run(args).code);
    }

    public static ExitCode run(String[] args) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("rows", "20000");
        d.put("dim", "8");
        d.put("fraction", "0.05");
        d.put("seed", "1");
        d.put("format", "parquet");
        return Commands.run("make-tabular", USAGE, args, 1, d, a -> {
            a.integer("rows", 2);
            a.integer("dim", 1);
            double fraction = a.number("fraction");
            if (!(fraction >= 0 && fraction < 1)) {
                throw new ConfigException("fraction = " + fraction + ": must be in [0, 1)");
            }
            a.number("seed");
            a.choice("format", "parquet", "csv");
        }, MakeTabular::make);
    }

    private static void make(SparkSession spark, CommandArgs a) throws IOException {
        int rows = a.integer("rows", 2);
        int dim = a.integer("dim", 1);
        double fraction = a.number("fraction");
        long seed = (long) a.number("seed");
        String fmt = a.get("format");
        for (int part = 0; part < 2; part++) {
            String name = part == 0 ? "train" : "test";
            Shard ds = Synthetic.anomalies(rows, dim, fraction, seed, Seeds.random(seed, Seeds.Purpose.DATA, part, 0, 0));
            String target = new Path(HadoopFiles.path(a.arg(0)), name + "." + fmt).toString();
            HadoopFiles.writeFrame(frame(spark, ds), target, fmt);
            System.out.println("sparkebm make-tabular: " + rows + " rows (" + Math.round(fraction * rows)
                    + " anomalies) → " + target);
        }
    }

    /** Columns f0 … f(d−1) (double) and label (int). */
    public static Dataset<Row> frame(SparkSession spark, Shard ds) {
        int d = ds.dim();
        StructType schema = new StructType();
        for (int j = 0; j < d; j++) {
            schema = schema.add("f" + j, DataTypes.DoubleType, false);
        }
        schema = schema.add("label", DataTypes.IntegerType, false);
        List<Row> rows = new ArrayList<>(ds.rows());
        for (int i = 0; i < ds.rows(); i++) {
            Object[] v = new Object[d + 1];
            for (int j = 0; j < d; j++) {
                v[j] = (double) ds.values()[i * d + j];
            }
            v[d] = ds.labels()[i];
            rows.add(RowFactory.create(v));
        }
        return spark.createDataFrame(rows, schema).coalesce(1);
    }
}
