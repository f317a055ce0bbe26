package org.sparkebm.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkebm.spark.testing.SparkTestSessions;

/**
 * A PipelineModel (VectorAssembler + EbmModel) saved by either Spark line loads and scores on the line under test:
 * the fixtures in test resources were saved once by each line (Spark 3.5.9 and 4.2.0), and CI runs this on both.
 */
class CrossLineModelTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTestSessions.session("CrossLineModelTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.5.9", "4.2.0"})
    void aPipelineSavedByEitherSparkLineLoadsAndScores(String savedBy) throws Exception {
        Path dir = Path.of(CrossLineModelTest.class.getResource("/ml/pipeline-spark-" + savedBy).toURI());
        try (Stream<Path> files = Files.walk(dir.resolve("metadata"))) {
            String md = Files.readString(files.filter(f -> f.getFileName().toString().startsWith("part-"))
                    .findFirst().orElseThrow());
            assertTrue(md.contains("\"sparkVersion\":\"" + savedBy + "\""), "the fixture was saved by " + savedBy);
        }
        PipelineModel loaded = PipelineModel.load(dir.toString());
        EbmModel model = (EbmModel) loaded.stages()[1];
        List<Row> rows = loaded.transform(EbmEstimatorTest.table(40, 10, 2)).select("features", "energy").collectAsList();
        assertEquals(50, rows.size());
        EbmEstimatorTest.assertEnergiesAreTheModels(model, rows);
    }

    /** Writes this line's fixture: {@code mvn test -Dtest=CrossLineModelTest -Dsparkebm.ml.fixture=<dir>}. */
    @Test
    @EnabledIfSystemProperty(named = "sparkebm.ml.fixture", matches = ".+")
    void writeFixture() throws Exception {
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"f0", "f1", "f2", "f3"})
                .setOutputCol("features");
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {assembler,
                EbmEstimatorTest.estimator().setRounds(5).setHidden(new int[] {8})}).fit(EbmEstimatorTest.table(500, 0, 1));
        String dir = System.getProperty("sparkebm.ml.fixture");
        fitted.write().overwrite().save(dir);
        assertEquals(2, PipelineModel.load(dir).stages().length, "the fixture reads back");
    }
}
