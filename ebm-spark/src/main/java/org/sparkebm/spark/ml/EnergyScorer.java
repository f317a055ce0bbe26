package org.sparkebm.spark.ml;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.eval.Energies;
import org.sparkebm.core.io.ModelFile;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.model.HybridEnergy;
import org.sparkebm.spark.data.Features;

/**
 * Appends E(x) (and optionally the normalised score: the fraction of training energies below E) to every row of
 * a DataFrame, on the executors, in batches. The model travels as one broadcast; a row whose features are
 * missing or non-finite, or of the wrong length, gets NaN rather than failing the whole job.
 */
public final class EnergyScorer {
    private static final int BATCH = 256;

    private EnergyScorer() {}

    /**
     * {@code input} with the energy ({@code energyCol}), the normalised score ({@code scoreCol}) and, for a JEM /
     * M-JEM model, the predicted class ({@code predictionCol}, double) and p(y|x) ({@code probabilityCol}, an ml
     * vector); an empty or null name leaves that column out (the energy is always added).
     */
    public static Dataset<Row> score(Dataset<?> input, ModelFile.Loaded model,
                                                          Features.Spec spec, String energyCol, String scoreCol,
                                                          String predictionCol, String probabilityCol) {
        Dataset<Row> df = input.toDF();
        StructType out = outputSchema(df.schema(), energyCol, scoreCol, predictionCol, probabilityCol);
        int[] fields = Features.fieldIndices(df.schema(), spec);
        Broadcast<ModelFile.Loaded> b = new JavaSparkContext(df.sparkSession().sparkContext())
                .broadcast(model);
        JavaRDD<Row> rows = df.javaRDD().mapPartitions(new Apply(b, fields, spec.vectorColumn() != null,
                set(scoreCol), set(predictionCol), set(probabilityCol)));
        return df.sparkSession().createDataFrame(rows, out);
    }

    private static boolean set(String col) {
        return col != null && !col.isEmpty();
    }

    /** {@code schema} plus the energy, score, prediction and probability columns that are named. */
    public static StructType outputSchema(StructType schema, String energyCol, String scoreCol, String predictionCol,
                                          String probabilityCol) {
        StructType out = withColumn(schema, energyCol, DataTypes.DoubleType);
        out = set(scoreCol) ? withColumn(out, scoreCol, DataTypes.DoubleType) : out;
        out = set(predictionCol) ? withColumn(out, predictionCol, DataTypes.DoubleType) : out;
        return set(probabilityCol) ? withColumn(out, probabilityCol, new VectorUDT()) : out;
    }

    private static StructType withColumn(StructType s, String name, org.apache.spark.sql.types.DataType type) {
        if (Arrays.asList(s.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("output column '" + name + "' already exists");
        }
        return s.add(name, type, false);
    }

    private static final class Apply implements FlatMapFunction<Iterator<Row>, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<ModelFile.Loaded> model;
        private final int[] fields;
        private final boolean vector;
        private final boolean withScore;
        private final boolean withPrediction;
        private final boolean withProbability;

        Apply(Broadcast<ModelFile.Loaded> model, int[] fields, boolean vector, boolean withScore,
              boolean withPrediction, boolean withProbability) {
            this.model = model;
            this.fields = fields;
            this.vector = vector;
            this.withScore = withScore;
            this.withPrediction = withPrediction;
            this.withProbability = withProbability;
        }

        /** Streams the partition: one batch of rows in memory at a time. */
        @Override
        public Iterator<Row> call(Iterator<Row> it) {
            ModelFile.Loaded m = model.value();
            EnergyModel energy = m.model();
            return new Iterator<>() {
                private final ArrayDeque<Row> ready = new ArrayDeque<>();

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
                        throw new NoSuchElementException();
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
            double[] e;
            double[][] probs = null;
            if (withPrediction || withProbability) {
                // energies and class probabilities from one forward pass
                INDArray[] ep = ((HybridEnergy) energy)
                        .energyAndProbabilities(Nd4j.createFromArray(x)
                                .reshape(batch.size(), d).castTo(energy.dataType()));
                e = ep[0].castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
                probs = ep[1].castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
            } else {
                e = Energies.of(energy, x, batch.size(), BATCH);
            }
            List<Row> out = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Row r = batch.get(i);
                double ei = ok[i] ? e[i] : Double.NaN;
                int extra = 1 + (withScore ? 1 : 0) + (withPrediction ? 1 : 0) + (withProbability ? 1 : 0);
                Object[] v = new Object[r.length() + extra];
                for (int k = 0; k < r.length(); k++) {
                    v[k] = r.get(k);
                }
                int c = r.length();
                v[c++] = ei;
                if (withScore) {
                    v[c++] = Energies.percentile(m.energyQuantiles(), ei);
                }
                if (withPrediction) {
                    v[c++] = ok[i] ? (double) HybridEnergy.argMax(probs[i]) : Double.NaN;
                }
                if (withProbability) {
                    v[c] = Vectors.dense(probs[i]);
                }
                out.add(RowFactory.create(v));
            }
            return out;
        }
    }
}
