package org.sparkebm.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.config.TestConfigs;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.data.Synthetic;
import org.sparkebm.core.io.ModelFile;
import org.sparkebm.spark.cli.ExitCode;
import org.sparkebm.spark.cli.MakeTabular;
import org.sparkebm.spark.cli.ScoreJob;
import org.sparkebm.spark.cli.TrainJob;
import org.sparkebm.spark.io.HadoopFiles;
import org.sparkebm.spark.testing.SparkTestSessions;

/** CSV and Parquet through Spark's readers: validation messages, device shards, standardisation, the job on them. */
class TabularTest {
    @TempDir
    static Path tmp;
    private static Path parquet;
    private static Path csv;
    private static Shard table;

    @BeforeAll
    static void start() throws Exception {
        table = Synthetic.anomalies(600, 4, 0.05, 3, new java.util.SplittableRandom(4));
        parquet = tmp.resolve("t.parquet");
        csv = tmp.resolve("t.csv");
        HadoopFiles.writeFrame(MakeTabular.frame(spark(), table), parquet.toString(), "parquet");
        HadoopFiles.writeFrame(MakeTabular.frame(spark(), table), csv.toString(), "csv");
    }

    @AfterAll
    static void stop() {
        spark().stop();
    }

    /** The session (the jobs under test stop theirs, which is the same one: get a fresh one each time). */
    static SparkSession spark() {
        return SparkTestSessions.session("TabularTest");
    }

    static RunConfig cfg(String source, Path path, String... extra) {
        return TestConfigs.of(List.of("run.name=tab", "run.seed=2", "devices.count=3",
                "data.source=" + source, "data.path=" + path, "data.columns=f0,f1,f2,f3", "model.type=mlp",
                "model.hidden=16,16", "train.batch=32", "train.chains=32", "chains.buffer=64", "chains.init=gaussian",
                "sampler.steps=10", "sampler.stepSize=0.02", "train.l2=0.1", "optimizer.lr=3e-3"), extra);
    }

    @Test
    void parquetAndCsvGiveTheSameShardsDealtInSourceOrder() {
        Tabular.Loaded p = Tabular.load(spark(), cfg("parquet", parquet));
        Tabular.Loaded c = Tabular.load(spark(), cfg("csv", csv));
        List<Shard> ps = p.shards().collect();
        List<Shard> cs = c.shards().collect();
        assertEquals(3, ps.size());
        assertEquals(600, p.rows());
        for (int k = 0; k < 3; k++) {
            assertEquals(200, ps.get(k).rows());
            // device k holds source rows k, k+3, k+6, ... in order (the label column is not a feature)
            Shard expected = new Shard(table.values(), table.rows(), table.sampleShape(), null).shard(k, 3);
            assertArrayEquals(expected.values(), ps.get(k).values(), 0f, "parquet shard " + k);
            assertArrayEquals(expected.values(), cs.get(k).values(), 1e-6f, "csv shard " + k);
        }
        assertTrue(p.scaling().isIdentity());
        assertEquals(List.of("f0", "f1", "f2", "f3"), p.scaling().columns());
        // all(): the rows back in source order, so the local engine shards them the same way
        assertArrayEquals(table.values(), p.all().values(), 0f);
    }

    @Test
    void aLabelColumnTravelsWithItsRowsForHybridModelsAndIsNeverAFeature() {
        Tabular.Loaded l = Tabular.load(spark(), cfg("parquet", parquet, "model.type=mjem", "model.classes=2",
                "data.labelColumn=label", "data.columns="));
        assertEquals(List.of("f0", "f1", "f2", "f3"), l.scaling().columns(), "every column but the label");
        List<Shard> shards = l.shards().collect();
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(table.shard(k, 3).labels(), shards.get(k).labels(), "labels of shard " + k);
        }
        assertArrayEquals(table.labels(), l.all().labels());
        org.sparkebm.core.config.ConfigException both = assertThrows(org.sparkebm.core.config.ConfigException.class,
                () -> cfg("parquet", parquet, "model.type=mjem", "data.labelColumn=f0"));
        assertTrue(both.getMessage().contains("data.labelColumn"), both.getMessage());
        DataException range = assertThrows(DataException.class, () -> Tabular.load(spark(), cfg("parquet", parquet,
                "model.type=mjem", "model.classes=2", "data.labelColumn=f0", "data.columns=f1,f2")));
        assertTrue(range.getMessage().contains("label column 'f0'"), range.getMessage());
    }

    @Test
    void standardisationGivesZeroMeanUnitVarianceAndLimitKeepsTheFirstRows() {
        Tabular.Loaded s = Tabular.load(spark(), cfg("parquet", parquet, "data.standardize=true"));
        Shard all = s.all();
        for (int j = 0; j < 4; j++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < all.rows(); i++) {
                double v = all.values()[i * 4 + j];
                sum += v;
                sq += v * v;
            }
            double mean = sum / all.rows();
            assertEquals(0, mean, 1e-5, "mean of f" + j);
            assertEquals(1, sq / all.rows() - mean * mean, 1e-4, "variance of f" + j);
        }
        Tabular.Loaded lim = Tabular.load(spark(), cfg("parquet", parquet, "data.limit=90"));
        assertEquals(90, lim.rows());
        float[] first = java.util.Arrays.copyOf(table.values(), 90 * 4);
        assertArrayEquals(first, lim.all().values(), 0f);
    }

    @Test
    void badTablesAreRefusedNamingFileColumnAndRow() throws Exception {
        DataException missing = assertThrows(DataException.class,
                () -> Tabular.load(spark(), cfg("parquet", tmp.resolve("nope.parquet"))));
        assertTrue(missing.getMessage().contains("nope.parquet"), missing.getMessage());
        DataException col = assertThrows(DataException.class,
                () -> Tabular.load(spark(), cfg("parquet", parquet, "data.columns=f0,f9")));
        assertTrue(col.getMessage().contains("no column 'f9'"), col.getMessage());
        Path words = tmp.resolve("words.csv");
        Files.writeString(words, "a,b\n1,x\n2,y\n3,z\n");
        DataException text = assertThrows(DataException.class,
                () -> Tabular.load(spark(), cfg("csv", words, "data.columns=")));
        assertTrue(text.getMessage().contains("column 'b' is string, not numeric"), text.getMessage());
        Path holes = tmp.resolve("holes.csv");
        Files.writeString(holes, "a,b\n1,2\n3,4\n5,\n7,8\n");
        DataException hole = assertThrows(DataException.class,
                () -> Tabular.load(spark(), cfg("csv", holes, "data.columns=a,b")));
        assertTrue(hole.getMessage().contains("row 2, column 'b'") && hole.getMessage().contains(holes.toString()),
                hole.getMessage());
        Path nan = tmp.resolve("nan.csv");
        Files.writeString(nan, "a,b\n1,2\n3,NaN\n5,6\n");
        DataException n = assertThrows(DataException.class,
                () -> Tabular.load(spark(), cfg("csv", nan, "data.columns=a,b")));
        assertTrue(n.getMessage().contains("row 1, column 'b'"), n.getMessage());
        // rows of different lengths in an array column: the summarizer refuses them, the message names the row
        org.apache.spark.sql.types.StructType arr = new org.apache.spark.sql.types.StructType().add("features",
                org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.DoubleType));
        org.apache.spark.sql.Dataset<Row> ragged = spark().createDataFrame(List.of(
                org.apache.spark.sql.RowFactory.create((Object) new Double[] {1.0, 2.0}),
                org.apache.spark.sql.RowFactory.create((Object) new Double[] {3.0, 4.0}),
                org.apache.spark.sql.RowFactory.create((Object) new Double[] {5.0})), arr);
        DataException short1 = assertThrows(DataException.class, () -> Tabular.load(ragged,
                Features.vectorColumn(ragged.schema(), "features", "ragged"), cfg("frame", parquet, "data.columns=",
                        "devices.count=1"), "ragged"));
        assertTrue(short1.getMessage().contains("row 2 of vector column 'features' has 1 features"), short1.getMessage());
        DataException few = assertThrows(DataException.class,
                () -> Tabular.load(spark(), cfg("csv", nan, "data.columns=a", "devices.count=4")));
        assertTrue(few.getMessage().contains("3 rows cannot feed 4 devices"), few.getMessage());
    }

    static ModelFile.Loaded model(Path runDir) throws Exception {
        try (InputStream in = Files.newInputStream(runDir.resolve("model.bin"))) {
            return ModelFile.read(in, runDir.toString());
        }
    }

    @Test
    void theJobTrainsOnParquetWithTheSameThetaOnSparkAndLocallyAndScoresNewData() throws Exception {
        Path conf = tmp.resolve("tab.properties");
        Files.writeString(conf, String.join("\n", "run.name=tab", "run.seed=2", "run.rounds=40", "devices.count=3",
                "data.source=parquet", "data.path=" + parquet, "data.columns=f0,f1,f2,f3", "data.standardize=true",
                "model.type=mlp", "model.hidden=16,16", "train.batch=32", "train.chains=32", "chains.buffer=64",
                "chains.init=gaussian", "sampler.steps=10", "sampler.stepSize=0.02", "train.l2=0.1",
                "optimizer.lr=3e-3", "spark.master=local[2]", "run.logEvery=20", "run.outputDir=" + tmp.resolve("runs"))
                + "\n");
        assertEquals(ExitCode.OK, TrainJob.run(new String[] {conf.toString()}));
        assertEquals(ExitCode.OK, TrainJob.run(new String[] {conf.toString(), "run.engine=local", "run.name=tab-local"}));
        ModelFile.Loaded s = model(tmp.resolve("runs/tab"));
        ModelFile.Loaded l = model(tmp.resolve("runs/tab-local"));
        assertArrayEquals(s.theta(), l.theta(), 0f, "Spark and the local fold give the same θ");
        assertEquals(List.of("f0", "f1", "f2", "f3"), s.scaling().columns());
        assertTrue(!s.scaling().isIdentity(), "standardisation is kept in the model file");
        assertEquals(101, s.energyQuantiles().length);
        // energies in other batches (per shard vs all rows) differ in float rounding only
        assertArrayEquals(s.energyQuantiles(), l.energyQuantiles(), 1e-6);

        // scoring: the same rows come back with energy and score; a rerun onto the same output is refused
        Path out = tmp.resolve("scores.parquet");
        assertEquals(ExitCode.OK, ScoreJob.run(new String[] {tmp.resolve("runs/tab").toString(), parquet.toString(),
                out.toString(), "label=label", "master=local[2]"}));
        List<Row> rows = spark().read().parquet(out.toString()).orderBy("f0").collectAsList();
        assertEquals(600, rows.size());
        Row r = rows.get(0);
        double score = r.getDouble(r.fieldIndex("score"));
        assertTrue(score >= 0 && score <= 1, "score " + score);
        // the energy equals the model's own energy of the standardised features
        float[] x = new float[4];
        for (int j = 0; j < 4; j++) {
            x[j] = (float) r.getDouble(r.fieldIndex("f" + j));
        }
        s.scaling().applyInPlace(x, 1);
        double e = org.sparkebm.core.eval.Energies.of(s.model(), x, 1, 1)[0];
        assertEquals(e, r.getDouble(r.fieldIndex("energy")), 1e-6 * Math.max(1, Math.abs(e)));
        String metrics = Files.readString(out.resolve("_metrics.json"));
        assertTrue(metrics.contains("\"auroc_energy\"") && metrics.contains("\"rows\" : 600"), metrics);
        long before = Files.walk(out).count();
        assertEquals(ExitCode.BAD_CONFIG, ScoreJob.run(new String[] {tmp.resolve("runs/tab").toString(),
                parquet.toString(), out.toString(), "master=local[2]"}));
        assertEquals(before, Files.walk(out).count(), "an existing output is left as it is");
    }
}
