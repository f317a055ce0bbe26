package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real multi-JVM run: the quickstart submitted through {@code submit/spark-submit.sh} to
 * {@code local-cluster[2,1,1024]} (two executor JVMs launched by a Worker) with a SPARK_HOME made of Maven jars.
 * Runs in the integration-test phase of {@code mvn verify -Pslow}, after the app jar is built.
 */
@Tag("cluster")
class LocalClusterIT {
    @TempDir
    Path tmp;

    @Test
    void quickstartRunsOnTwoExecutorJvmsThroughTheSubmitScript() throws Exception {
        Path home = Path.of(System.getProperty("sparkebm.home")).toRealPath();
        Path sparkHome = Path.of(System.getProperty("spark.home.dir")).toRealPath();
        assertTrue(Files.isDirectory(sparkHome.resolve("jars")), "SPARK_HOME jars missing: " + sparkHome);
        Path out = tmp.resolve("runs");
        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("submit/spark-submit.sh").toString(),
                "--master", "local-cluster[2,1,1024]", "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1",
                home.resolve("conf/quickstart.properties").toString(),
                "run.rounds=20", "run.logEvery=5", "run.outputDir=" + out, "spark.rddCheckpointEvery=5")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("submit.log").toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", System.getProperty("scala.binary"));
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        try {
            boolean done = p.waitFor(8, TimeUnit.MINUTES);
            String log = Files.readString(tmp.resolve("submit.log"));
            assertTrue(done, "spark-submit did not finish in 8 minutes:\n" + tail(log));
            assertEquals(0, p.exitValue(), "spark-submit failed:\n" + tail(log));
            Path dir = out.resolve("quickstart");
            for (String f : List.of("manifest.json", "metrics.csv", "summary.json", "model.bin", "samples.png")) {
                assertTrue(Files.size(dir.resolve(f)) > 0, f);
            }
            ObjectMapper json = new ObjectMapper();
            JsonNode summary = json.readTree(dir.resolve("summary.json").toFile());
            assertEquals(20, summary.get("rounds").asInt());
            assertEquals(2, summary.get("executors").asInt(), "two executor JVMs");
            JsonNode manifest = json.readTree(dir.resolve("manifest.json").toFile());
            assertTrue(manifest.get("spark_master").asText().startsWith("local-cluster"), manifest.toString());
            assertTrue(manifest.get("conv_kernels").asText().startsWith("oneDNN, SiLU vector"), manifest.toString());
            assertTrue(log.contains("[round 20/20]"), "progress lines on the console:\n" + tail(log));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String tail(String s) {
        return s.length() < 6000 ? s : s.substring(s.length() - 6000);
    }
}
