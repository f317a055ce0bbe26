package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.train.DeviceState;
import org.sparkebm.spark.io.HadoopFiles;
import org.sparkebm.spark.run.CheckpointStore;

/**
 * The walkers of a Jarzynski run with weights that belong to their positions: the export of checkpoint t carries
 * exactly the log-weights the devices computed for the same walkers at the start of round t (stored in checkpoint
 * t+1), normalised weights sum to one, and the files hold what the summary says.
 */
class ExportWalkersTest {
    @TempDir
    static Path tmp;
    static Path run;

    @BeforeAll
    static void train() throws Exception {
        Path conf = tmp.resolve("jarzynski.properties");
        Files.writeString(conf, String.join("\n", "run.name=walkers", "run.seed=3", "run.rounds=4", "run.engine=local",
                "devices.count=2", "data.source=two-modes", "data.dim=3", "data.rows=200", "model.type=gmm",
                "train.method=jarzynski", "train.batch=100", "train.chains=40", "chains.buffer=40",
                "chains.init=model", "chains.reinit=0", "sampler.type=ula", "sampler.steps=1", "sampler.stepSize=0.1",
                "optimizer.type=sgd", "optimizer.lr=0.05", "jarzynski.threshold=1000", "checkpoint.every=1",
                "checkpoint.keep=10", "run.outputDir=" + tmp.resolve("runs")) + "\n");
        assertEquals(ExitCode.OK, TrainJob.run(new String[] {conf.toString()}));
        run = tmp.resolve("runs/walkers");
    }

    @Test
    void weightsAreThoseTheNextRoundStartsFrom() throws Exception {
        List<CheckpointStore.Found> all = new CheckpointStore(HadoopFiles.path(run.toString())).allValid();
        CheckpointStore.Found at2 = all.stream().filter(f -> f.driver().nextRound() == 2).findFirst().orElseThrow();
        CheckpointStore.Found at3 = all.stream().filter(f -> f.driver().nextRound() == 3).findFirst().orElseThrow();
        RunConfig cfg = RunConfig.fromMap(at2.driver().config(), "test");
        ExportWalkers.Walkers w = ExportWalkers.read(cfg, new int[] {3}, at2);
        assertEquals(80, w.n());
        double[] next = new double[80];
        float[] positions = new float[80 * 3];
        for (int p = 0; p < 2; p++) {
            DeviceState s = CheckpointStore.readDevice(at3.dir(), p);
            System.arraycopy(s.jarzynski().logW(), 0, next, 40 * p, 40);
            DeviceState before = CheckpointStore.readDevice(at2.dir(), p);
            System.arraycopy(before.buffer().samples(), 0, positions, 120 * p, 120);
        }
        // round 2 completed the pending increments with θ_2 at the very positions checkpoint 2 holds
        assertArrayEquals(next, w.logW(), 0.0);
        assertArrayEquals(positions, w.x(), 0f);
        // and they are not the stored (pre-move) ones
        assertTrue(!Arrays.equals(CheckpointStore.readDevice(at2.dir(), 0).jarzynski().logW(),
                Arrays.copyOf(w.logW(), 40)));
        double sum = Arrays.stream(w.weights()).sum();
        assertEquals(1.0, sum, 1e-12);
        assertTrue(w.ess() >= 1 && w.ess() <= 80, "ESS " + w.ess());
    }

    @Test
    void theCommandWritesTheWalkersAndRefusesRunsWithoutWeights() throws Exception {
        Path out = tmp.resolve("export");
        assertEquals(ExitCode.OK, ExportWalkers.run(new String[] {run.toString(), out.toString(), "master=local[2]"}));
        JsonNode s = new ObjectMapper().readTree(out.resolve("walkers.json").toFile());
        assertEquals(4, s.get("round").asInt());
        assertEquals(80, s.get("walkers").asInt());
        assertTrue(Files.isDirectory(out.resolve("walkers.parquet")));
        // an existing output is never replaced; an unknown round names the ones kept
        assertEquals(ExitCode.BAD_CONFIG, ExportWalkers.run(new String[] {run.toString(), out.toString()}));
        assertEquals(ExitCode.BAD_CONFIG, ExportWalkers.run(new String[] {run.toString(),
                tmp.resolve("e2").toString(), "round=99", "master=local[2]"}));
        assertTrue(Files.notExists(tmp.resolve("e2")));
    }

    @Test
    void npyFilesReadAsNumPyWritesThem() throws Exception {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        ExportWalkers.writeNpy(o, new double[] {0.25, 0.75});
        byte[] b = o.toByteArray();
        assertEquals((byte) 0x93, b[0]);
        assertEquals("NUMPY", new String(b, 1, 5, java.nio.charset.StandardCharsets.US_ASCII));
        int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLen) % 64, "the data starts 64-byte aligned");
        String header = new String(b, 10, headerLen, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '<f8'") && header.contains("'shape': (2,)"), header);
        ByteBuffer data = ByteBuffer.wrap(b, 10 + headerLen, 16).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0.25, data.getDouble());
        assertEquals(0.75, data.getDouble());
    }
}
