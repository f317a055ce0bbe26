package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master nobody answers on: Spark retries for about a minute and gives up; the job fails with exit code 1 and
 * leaves neither its run directory nor the output directory it made.
 */
@Tag("slow")
class UnreachableMasterTest {
    @TempDir
    Path tmp;

    @Test
    void saysTheMasterDidNotAnswerAndLeavesNothing() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free now, closed below: nothing listens there
        }
        Path conf = tmp.resolve("c.properties");
        Files.writeString(conf, String.join("\n", "run.name=away", "run.rounds=3", "devices.count=2",
                "data.source=gmm", "data.rows=100", "model.hidden=8", "train.batch=8", "train.chains=8",
                "chains.buffer=16", "chains.init=data", "sampler.steps=1"));
        Path out = tmp.resolve("runs");
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        ExitCode code;
        try {
            code = TrainJob.run(new String[] {conf.toString(), "run.outputDir=" + out,
                    "spark.master=spark://127.0.0.1:" + port});
        } finally {
            System.setErr(old);
        }
        // (what it prints is checked by hand: other tests' Spark contexts in this JVM can take stderr over)
        assertEquals(ExitCode.INFRASTRUCTURE, code, err.toString());
        assertTrue(Files.notExists(out), "nothing left behind: " + out);
    }
}
