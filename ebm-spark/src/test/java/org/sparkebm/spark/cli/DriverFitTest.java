package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A round whose results could not reach the driver (above spark.driver.maxResultSize, here 1 MiB) is refused before
 * any work, with the key to change, exit 2 and nothing left behind; {@code auto} chooses the aggregation that fits.
 * An MLP of 256×256 hidden units has 66,817 parameters (261 KiB dense); 8 devices collected bring 2.0 MiB.
 */
class DriverFitTest {
    @TempDir
    static Path tmp;
    static Path conf;

    @BeforeAll
    static void files() throws IOException {
        // new SparkConf() reads spark.* system properties: the job's session gets the limit as from --conf (a
        // context another test left running would be reused without it)
        SparkSession.getDefaultSession().foreach(s -> {
            s.stop();
            return null;
        });
        System.setProperty("spark.driver.maxResultSize", "1m");
        conf = tmp.resolve("wide.properties");
        Files.writeString(conf, String.join("\n", "run.name = wide", "run.rounds = 2", "devices.count = 8",
                "data.source = gmm", "data.rows = 160", "model.hidden = 256,256", "train.batch = 4",
                "train.chains = 4", "chains.buffer = 4", "sampler.steps = 1", "checkpoint.every = 1000",
                "spark.master = local[2]"));
    }

    @AfterAll
    static void clear() {
        System.clearProperty("spark.driver.maxResultSize");
    }

    record Outcome(ExitCode code, String err) {}

    static Outcome train(String dir, String... overrides) {
        List<String> a = new ArrayList<>(List.of(conf.toString(), "run.outputDir=" + tmp.resolve(dir)));
        a.addAll(List.of(overrides));
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            return new Outcome(TrainJob.run(a.toArray(new String[0])), err.toString());
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void collectingMoreThanTheDriverTakesIsRefusedBeforeAnyWork() {
        Outcome o = train("collect", "spark.aggregation=collect");
        assertEquals(ExitCode.BAD_CONFIG, o.code(), o.err());
        assertTrue(o.err().contains("spark.aggregation = collect") && o.err().contains("spark.driver.maxResultSize")
                && o.err().contains("reduce-scatter"), o.err());
        assertTrue(o.err().lines().filter(l -> l.startsWith("\tat ")).findAny().isEmpty(), "no stack trace:\n" + o.err());
        assertFalse(Files.exists(tmp.resolve("collect")), "a failed start leaves no directory");
    }

    @Test
    void aReducedUpdateAboveTheLimitNamesTheSparkSetting() {
        Outcome o = train("wider", "model.hidden=512,512", "spark.aggregation=reduce-scatter");
        assertEquals(ExitCode.BAD_CONFIG, o.code(), o.err());
        assertTrue(o.err().contains("264705 parameters") && o.err().contains("raise spark.driver.maxResultSize"), o.err());
        assertFalse(Files.exists(tmp.resolve("wider")));
    }

    @Test
    void autoTakesTheReduceScatterWhereCollectingWouldNotFit() {
        Outcome o = train("auto");
        assertEquals(ExitCode.OK, o.code(), o.err());
        assertTrue(Files.exists(tmp.resolve("auto").resolve("wide").resolve("summary.json")));
    }
}
