package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone Master and two Workers on 127.0.0.1 (SPARK_HOME of Maven jars); the quickstart is submitted through
 * {@code submit/spark-submit.sh}; one executor JVM is killed by PID mid-run. The job must succeed and end with
 * bit-for-bit the θ of the same config folded in one JVM: the lost device states are rebuilt from lineage (RDD
 * checkpoint + the θ broadcasts kept since), not lost. Everything started here is stopped here.
 */
@Tag("cluster")
class StandaloneExecutorLossIT {
    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process start(Path sparkHome, String log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(System.getProperty("spark.jvm.flags.test", "").split(" ")).stream().filter(s -> !s.isBlank()).toList());
        cmd.addAll(List.of("-Xmx512m", "-cp", sparkHome.resolve("jars") + "/*"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(log).toFile());
        env(pb, sparkHome);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static void env(ProcessBuilder pb, Path sparkHome) {
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", System.getProperty("scala.binary"));
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_NUM_THREADS", "1");
    }

    @Test
    void losingAnExecutorChangesNothing() throws Exception {
        Path home = Path.of(System.getProperty("sparkebm.home")).toRealPath();
        Path sparkHome = Path.of(System.getProperty("spark.home.dir")).toRealPath();
        Path out = tmp.resolve("runs");
        List<String> overrides = List.of("run.rounds=40", "run.logEvery=1", "run.outputDir=" + out,
                "spark.rddCheckpointEvery=5", "checkpoint.every=1000");
        List<String> refArgs = new ArrayList<>(List.of(home.resolve("conf/quickstart.properties").toString()));
        refArgs.addAll(overrides);
        refArgs.addAll(List.of("run.name=reference", "run.engine=local"));
        assertEquals(ExitCode.OK, TrainJob.run(refArgs.toArray(new String[0])));

        int port = freePort();
        String master = "spark://127.0.0.1:" + port;
        try {
            start(sparkHome, "master.log", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort()));
            Thread.sleep(3000);
            for (int w = 1; w <= 2; w++) {
                start(sparkHome, "worker" + w + ".log", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--cores", "1", "--memory", "1500m", "--webui-port", Integer.toString(freePort()),
                        "--work-dir", tmp.resolve("work" + w).toString(), master);
            }
            Thread.sleep(3000);
            List<String> cmd = new ArrayList<>(List.of("bash", home.resolve("submit/spark-submit.sh").toString(),
                    "--master", master, "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                    "--executor-memory", "1g", home.resolve("conf/quickstart.properties").toString()));
            cmd.addAll(overrides);
            cmd.add("run.name=cluster");
            Path driverLog = tmp.resolve("driver.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(driverLog.toFile());
            env(pb, sparkHome);
            Process driver = pb.start();
            started.add(driver);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            // wait for round 10 or later; match "N/40]" only, since Spark's log lines (same stream) can split the
            // progress line between "[round " and "N/40]"
            while (roundsDone(Files.readString(driverLog)) < 10 && driver.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(driver.isAlive(), "driver ended early:\n" + Files.readString(driverLog));
            Optional<ProcessHandle> executor = ProcessHandle.allProcesses()
                    .filter(ph -> ph.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                    .findFirst();
            assertTrue(executor.isPresent(), "no executor JVM found");
            long pid = executor.get().pid();
            executor.get().destroyForcibly();
            assertTrue(driver.waitFor(5, TimeUnit.MINUTES), "driver did not finish:\n" + Files.readString(driverLog));
            String log = Files.readString(driverLog);
            assertEquals(0, driver.exitValue(), log);
            assertTrue(log.contains("[round 40/40]"), log);
            assertTrue(log.contains("Lost executor") || log.contains("lost executor") || log.contains("ExecutorLost")
                    || log.contains("Executor lost") || log.contains("removed"), "the loss of executor " + pid + " shows in the driver log");
            assertArrayEquals(ResumeTest.theta(out.resolve("reference")), ResumeTest.theta(out.resolve("cluster")), 0f);
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).destroy();
            }
            for (Process p : started) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            ProcessHandle.allProcesses()
                    .filter(ph -> ph.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")
                            && ph.info().commandLine().orElse("").contains(tmp.toString()))
                    .forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The highest round N of a progress fragment "N/40]" in the log (0 if none yet). */
    static int roundsDone(String log) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)/40\\]").matcher(log);
        int max = 0;
        while (m.find()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        return max;
    }
}
