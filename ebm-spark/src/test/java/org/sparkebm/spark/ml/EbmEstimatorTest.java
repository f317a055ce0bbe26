package org.sparkebm.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.data.Synthetic;
import org.sparkebm.core.eval.Energies;
import org.sparkebm.spark.cli.ScoreJob;
import org.sparkebm.spark.testing.SparkTestSessions;

/** The Spark ML API: a Pipeline with a VectorAssembler in front, fit, transform, save and PipelineModel.load. */
class EbmEstimatorTest {
    private static SparkSession spark;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkTestSessions.session("EbmEstimatorTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Inliers of the synthetic sheet, and with {@code outliers} &gt; 0 that many uniform points in [−4, 4]^4 (label 1). */
    static Dataset<Row> table(int n, int outliers, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        Shard in = Synthetic.anomalies(n, 4, 0.0, 3, rng);
        float[] v = java.util.Arrays.copyOf(in.values(), (n + outliers) * 4);
        int[] label = new int[n + outliers];
        for (int i = n; i < n + outliers; i++) {
            label[i] = 1;
            for (int j = 0; j < 4; j++) {
                v[i * 4 + j] = (float) (-4 + 8 * rng.nextDouble());
            }
        }
        return org.sparkebm.spark.cli.MakeTabular.frame(SparkSession.active(),
                new Shard(v, n + outliers, new int[] {4}, label));
    }

    static EbmEstimator estimator() {
        return new EbmEstimator().setRounds(150).setDevices(2).setSeed(5).setHidden(new int[] {32, 32})
                .setSteps(20).setStepSize(0.02).setLearningRate(2e-3).setBatchSize(64).setStandardize(true)
                .setCompression("topk").setDensity(0.1).setScoreCol("score")
                .setConf("train.chains=64", "chains.buffer=500", "chains.init=gaussian", "train.l2=0.1",
                        "optimizer.beta1=0.5", "run.logEvery=50");
    }

    /** Each row's energy (column 1) is {@code model}'s own of its features (column 0) after the model's scaling. */
    static void assertEnergiesAreTheModels(EbmModel model, List<Row> rows) {
        for (Row r : rows) {
            double[] v = ((Vector) r.get(0)).toArray();
            float[] x = new float[v.length];
            for (int j = 0; j < v.length; j++) {
                x[j] = (float) v[j];
            }
            model.modelFile().scaling().applyInPlace(x, 1);
            double e = Energies.of(model.modelFile().model(), x, 1, 1)[0];
            assertEquals(e, r.getDouble(1), 1e-6 * Math.max(1, Math.abs(e)));
        }
    }

    @Test
    void aPipelineWithAVectorAssemblerFitsScoresAnomaliesAndRoundTripsThroughSaveAndLoad() throws Exception {
        Dataset<Row> train = table(2000, 0, 1);
        Dataset<Row> test = table(900, 100, 2);
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"f0", "f1", "f2", "f3"})
                .setOutputCol("features");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, estimator()});
        PipelineModel fitted = pipeline.fit(train);
        Dataset<Row> scored = fitted.transform(test);
        assertTrue(List.of(scored.columns()).containsAll(List.of("f0", "label", "features", "energy", "score")));
        double auc = ScoreJob.auroc(scored, "energy", "label", 1);
        assertTrue(auc > 0.9, "anomalies have higher energy: AUROC " + auc);

        // the model's energies are the energy model's own on the standardised features
        EbmModel model = (EbmModel) fitted.stages()[1];
        List<Row> rows = scored.select("features", "energy", "score").limit(20).collectAsList();
        assertEnergiesAreTheModels(model, rows);
        for (Row r : rows) {
            assertEquals(Energies.percentile(model.modelFile().energyQuantiles(), r.getDouble(1)), r.getDouble(2), 1e-12);
        }

        String path = tmp.resolve("pipeline").toString();
        fitted.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        List<Row> a = scored.select("energy").collectAsList();
        List<Row> b = loaded.transform(test).select("energy").collectAsList();
        assertEquals(a, b, "the loaded pipeline gives the same energies");
        EbmModel back = (EbmModel) loaded.stages()[1];
        assertEquals("score", back.getOrDefault(back.scoreCol()));
        assertEquals(model.uid(), back.uid());
    }

    @Test
    void paramsAreValidatedAndNameTheConfigKey() {
        EbmEstimator e = new EbmEstimator();
        assertThrows(IllegalArgumentException.class, () -> e.setRounds(0));
        assertThrows(IllegalArgumentException.class, () -> e.setConf("no.such.key=1"));
        assertThrows(IllegalArgumentException.class, () -> e.setCompression("zip"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new EbmEstimator().setConf("sampler.stepSize=-1").runConfig());
        assertTrue(bad.getMessage().contains("sampler.stepSize"), bad.getMessage());
        IllegalArgumentException col = assertThrows(IllegalArgumentException.class,
                () -> new EbmEstimator().fit(table(50, 0, 1)));
        assertTrue(col.getMessage().contains("no column 'features'"), col.getMessage());
        // a typed param set explicitly wins over conf; unset typed params defer to conf
        EbmEstimator both = new EbmEstimator().setConf("run.rounds=7", "sampler.steps=3").setRounds(9);
        assertEquals(9, both.runConfig().rounds());
        assertEquals(3, both.runConfig().step().steps());
        assertTrue(new EbmEstimator().explainParams().contains("config key run.rounds"));
    }

    @Test
    void anEstimatorSavesAndLoadsItsParams() throws Exception {
        EbmEstimator e = estimator();
        String path = tmp.resolve("estimator").toString();
        e.save(path);
        EbmEstimator back = EbmEstimator.load(path);
        assertEquals(e.uid(), back.uid());
        assertEquals(e.runConfig().resolved(), back.runConfig().resolved());
    }

    /** Three labelled Gaussian blobs in 4-D (centres 2·e_0, 2·e_1, 2·e_2, noise 0.5) as columns f0..f3 and label. */
    static Dataset<Row> blobs(int n, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        float[] v = new float[n * 4];
        int[] label = new int[n];
        for (int i = 0; i < n; i++) {
            label[i] = i % 3;
            for (int j = 0; j < 4; j++) {
                v[i * 4 + j] = (float) ((j == label[i] ? 2 : 0) + 0.5 * rng.nextGaussian());
            }
        }
        return org.sparkebm.spark.cli.MakeTabular.frame(SparkSession.active(),
                new Shard(v, n, new int[] {4}, label));
    }

    @Test
    void anMjemEstimatorIsAClassifierWithPredictionAndProbabilityColumns() throws Exception {
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"f0", "f1", "f2", "f3"})
                .setOutputCol("features");
        EbmEstimator mjem = new EbmEstimator().setModelType("mjem").setClasses(3).setRounds(120).setDevices(2)
                .setSeed(3).setHidden(new int[] {16, 16}).setSteps(10).setStepSize(0.02).setLearningRate(3e-3)
                .setBatchSize(32).setConf("train.clfBatch=32", "train.chains=32", "chains.buffer=200",
                        "chains.init=gaussian", "train.l2=0.1", "train.augment=none", "run.logEvery=60");
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {assembler, mjem}).fit(blobs(900, 1));
        Dataset<Row> out = fitted.transform(blobs(300, 2));
        assertTrue(List.of(out.columns()).containsAll(List.of("energy", "prediction", "probability")));
        List<Row> rows = out.select("label", "prediction", "probability").collectAsList();
        int correct = 0;
        for (Row r : rows) {
            correct += r.getInt(0) == (int) r.getDouble(1) ? 1 : 0;
            double[] p = ((Vector) r.get(2)).toArray();
            assertEquals(3, p.length);
            assertEquals(1.0, java.util.Arrays.stream(p).sum(), 1e-5);
        }
        assertTrue(correct > 0.9 * rows.size(), "accuracy " + correct + "/" + rows.size());
        String path = tmp.resolve("mjem-pipeline").toString();
        fitted.write().save(path);
        assertEquals(out.select("prediction").collectAsList(),
                PipelineModel.load(path).transform(blobs(300, 2)).select("prediction").collectAsList());

        // a label outside 0..classes-1 is refused naming the row and the column
        IllegalArgumentException noLabel = assertThrows(IllegalArgumentException.class,
                () -> mjem.copy(new org.apache.spark.ml.param.ParamMap()).setLabelCol("nope")
                        .fit(assembler.transform(blobs(30, 3))));
        assertTrue(noLabel.getMessage().contains("nope"), noLabel.getMessage());
        org.sparkebm.core.data.DataException big = assertThrows(org.sparkebm.core.data.DataException.class,
                () -> mjem.copy(new org.apache.spark.ml.param.ParamMap()).setClasses(2)
                        .fit(assembler.transform(blobs(30, 3))));
        assertTrue(big.getMessage().contains("row 2, label column 'label'"), big.getMessage());
    }
}
