package org.sparkebm.spark.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkebm.core.eval.Energies;
import org.sparkebm.core.io.ModelFile;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.spark.Features;

/**
 * Appends E(x) (and optionally the normalised score: the fraction of training energies below E) to every row of
 * a DataFrame, on the executors, in batches. The model travels as one broadcast; a row whose features are
 * missing or non-finite, or of the wrong length, gets NaN rather than failing the whole job.
 */
public final class EnergyScorer {
    private static final int BATCH = 256;

    private EnergyScorer() {}

    /**
     * @param scoreCol the score column, or null/empty for none
     */
    public static org.apache.spark.sql.Dataset<Row> score(org.apache.spark.sql.Dataset<?> input, ModelFile.Loaded model,
                                                          Features.Spec spec, String energyCol, String scoreCol) {
        org.apache.spark.sql.Dataset<Row> df = input.toDF();
        StructType out = outputSchema(df.schema(), energyCol, scoreCol);
        int[] fields = new int[spec.columns() != null ? spec.columns().size() : 1];
        List<String> names = spec.columns() != null ? spec.columns() : List.of(spec.vectorColumn());
        for (int j = 0; j < fields.length; j++) {
            fields[j] = df.schema().fieldIndex(names.get(j));
        }
        Broadcast<ModelFile.Loaded> b = new org.apache.spark.api.java.JavaSparkContext(df.sparkSession().sparkContext())
                .broadcast(model);
        JavaRDD<Row> rows = df.javaRDD().mapPartitions(new Apply(b, fields, spec.vectorColumn() != null,
                scoreCol != null && !scoreCol.isEmpty()));
        return df.sparkSession().createDataFrame(rows, out);
    }

    /** {@code schema} plus the energy column (and the score column). */
    public static StructType outputSchema(StructType schema, String energyCol, String scoreCol) {
        StructType out = withColumn(schema, energyCol);
        return scoreCol == null || scoreCol.isEmpty() ? out : withColumn(out, scoreCol);
    }

    private static StructType withColumn(StructType s, String name) {
        if (java.util.Arrays.asList(s.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("output column '" + name + "' already exists");
        }
        return s.add(name, DataTypes.DoubleType, false);
    }

    private static final class Apply implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<Row>, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<ModelFile.Loaded> model;
        private final int[] fields;
        private final boolean vector;
        private final boolean withScore;

        Apply(Broadcast<ModelFile.Loaded> model, int[] fields, boolean vector, boolean withScore) {
            this.model = model;
            this.fields = fields;
            this.vector = vector;
            this.withScore = withScore;
        }

        /** Streams the partition: one batch of rows in memory at a time. */
        @Override
        public Iterator<Row> call(Iterator<Row> it) {
            ModelFile.Loaded m = model.value();
            EnergyModel energy = m.model();
            return new Iterator<>() {
                private final java.util.ArrayDeque<Row> ready = new java.util.ArrayDeque<>();

                @Override
                public boolean hasNext() {
                    if (ready.isEmpty() && it.hasNext()) {
                        List<Row> batch = new ArrayList<>(BATCH);
                        while (batch.size() < BATCH && it.hasNext()) {
                            batch.add(it.next());
                        }
                        ready.addAll(scoreBatch(batch, m, energy));
                        if (!it.hasNext()) {
                            energy.release();
                        }
                    }
                    return !ready.isEmpty();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return ready.poll();
                }
            };
        }

        private List<Row> scoreBatch(List<Row> batch, ModelFile.Loaded m, EnergyModel energy) {
            int d = energy.inputDim();
            float[] x = new float[batch.size() * d];
            boolean[] ok = new boolean[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                float[] f = Features.extract(batch.get(i), fields, vector);
                ok[i] = f.length == d;
                for (float v : f) {
                    ok[i] &= Float.isFinite(v);
                }
                if (ok[i]) {
                    System.arraycopy(f, 0, x, i * d, d);
                }
            }
            m.scaling().applyInPlace(x, batch.size());
            double[] e = Energies.of(energy, x, batch.size(), BATCH);
            List<Row> out = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Row r = batch.get(i);
                double ei = ok[i] ? e[i] : Double.NaN;
                Object[] v = new Object[r.length() + (withScore ? 2 : 1)];
                for (int k = 0; k < r.length(); k++) {
                    v[k] = r.get(k);
                }
                v[r.length()] = ei;
                if (withScore) {
                    v[r.length() + 1] = Energies.percentile(m.energyQuantiles(), ei);
                }
                out.add(RowFactory.create(v));
            }
            return out;
        }
    }
}
