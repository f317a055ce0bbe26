package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver JVM (a real separate process, Spark local[2]) is killed with SIGKILL after a checkpoint; rerunning
 * the same command with run.ifExists=resume ends with bit-for-bit the θ of an uninterrupted run.
 */
@Tag("slow")
class DriverKillTest {
    @TempDir
    Path tmp;

    @Test
    void killedDriverResumesToTheSameTheta() throws Exception {
        Path c = tmp.resolve("kill.properties");
        Files.writeString(c, String.join("\n", ResumeTest.BASE) + "\nrun.rounds = 60\ncheckpoint.every = 5\n");
        Path out = tmp.resolve("runs");
        // uninterrupted reference, in this JVM
        assertEquals(ExitCode.OK, TrainJob.run(new String[] {c.toString(), "run.outputDir=" + out, "run.name=ref"}));

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(System.getProperty("spark.jvm.flags.test", "").split(" ")).stream().filter(s -> !s.isBlank()).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.sparkebm.spark.cli.TrainJob", c.toString(),
                "run.outputDir=" + out, "run.name=killed", "run.ifExists=resume"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("first.log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process first = pb.start();
        Path ckpts = out.resolve("killed/checkpoints");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (committed(ckpts) < 15 && first.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(first.isAlive(), "the first run ended before it could be killed:\n" + Files.readString(tmp.resolve("first.log")));
        first.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        int killedAt = committed(ckpts);
        assertTrue(killedAt >= 15 && killedAt < 60, "killed after the checkpoint of round " + killedAt);
        assertTrue(Files.notExists(out.resolve("killed/summary.json")), "the killed run did not finish");

        pb.redirectOutput(tmp.resolve("second.log").toFile());
        Process second = pb.start();
        assertTrue(second.waitFor(4, TimeUnit.MINUTES), "resumed run timed out");
        String log = Files.readString(tmp.resolve("second.log"));
        assertEquals(0, second.exitValue(), log);
        assertTrue(log.contains("resumed from"), log);
        assertArrayEquals(ResumeTest.theta(out.resolve("ref")), ResumeTest.theta(out.resolve("killed")), 0f);
    }

    /** The newest committed checkpoint round (0 when none). */
    private static int committed(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.exists(p.resolve("_COMMITTED")))
                    .mapToInt(p -> Integer.parseInt(p.getFileName().toString().substring("round-".length())))
                    .max().orElse(0);
        }
    }
}
