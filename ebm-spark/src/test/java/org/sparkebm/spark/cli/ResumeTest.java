package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkebm.core.io.ModelFile;

/** Checkpoints and resume: bit-for-bit continuation, corrupted checkpoints, config mismatch, divergence rollback. */
class ResumeTest {
    @TempDir
    Path tmp;

    static final List<String> BASE = List.of("run.name=r", "run.logEvery=100", "devices.count=3", "data.source=gmm",
            "data.rows=300", "model.type=mlp", "model.hidden=8", "train.batch=16", "train.chains=16", "chains.buffer=24",
            "chains.init=data", "sampler.steps=3", "compress.type=topk", "compress.density=0.3", "checkpoint.every=4",
            "checkpoint.keep=2", "spark.master=local[2]");

    private Path conf() throws Exception {
        Path c = tmp.resolve("base.properties");
        Files.writeString(c, String.join("\n", BASE));
        return c;
    }

    private static String[] args(Path conf, String... more) {
        List<String> a = new ArrayList<>();
        a.add(conf.toString());
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    record Result(ExitCode code, String out) {}

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true);
        System.setOut(ps);
        System.setErr(ps);
        try {
            return new Result(TrainJob.run(args), buf.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static float[] theta(Path runDir) throws Exception {
        try (InputStream in = Files.newInputStream(runDir.resolve("model.bin"))) {
            return ModelFile.read(in, runDir.toString()).theta();
        }
    }

    @Test
    void resumedRunsEndWithTheSameThetaOnBothEngines() throws Exception {
        Path c = conf();
        for (String engine : List.of("local", "spark")) {
            Path out = tmp.resolve("runs-" + engine);
            Result full = run(args(c, "run.engine=" + engine, "run.outputDir=" + out, "run.name=full", "run.rounds=10"));
            assertEquals(ExitCode.OK, full.code(), full.out());
            Result part = run(args(c, "run.engine=" + engine, "run.outputDir=" + out, "run.name=split", "run.rounds=6"));
            assertEquals(ExitCode.OK, part.code(), part.out());
            Result rest = run(args(c, "run.engine=" + engine, "run.outputDir=" + out, "run.name=split", "run.rounds=10",
                    "run.ifExists=resume"));
            assertEquals(ExitCode.OK, rest.code(), rest.out());
            assertTrue(rest.out().contains("resumed from"), rest.out());
            assertArrayEquals(theta(out.resolve("full")), theta(out.resolve("split")), 0f, engine);
            assertEquals(11, Files.readAllLines(out.resolve("split/metrics.csv")).size(), "all 10 rounds in metrics.csv");
            // a finished run is left alone
            Result again = run(args(c, "run.engine=" + engine, "run.outputDir=" + out, "run.name=split", "run.rounds=10",
                    "run.ifExists=resume"));
            assertEquals(ExitCode.OK, again.code());
            assertTrue(again.out().contains("already complete"), again.out());
            try (Stream<Path> s = Files.list(out.resolve("split/checkpoints"))) {
                assertEquals(2, s.count(), "checkpoint.keep = 2");
            }
        }
    }

    @Test
    void aCorruptedNewestCheckpointFallsBackToTheOlderOne() throws Exception {
        Path c = conf();
        Path out = tmp.resolve("runs");
        assertEquals(ExitCode.OK, run(args(c, "run.engine=local", "run.outputDir=" + out, "run.name=full", "run.rounds=10")).code());
        assertEquals(ExitCode.OK, run(args(c, "run.engine=local", "run.outputDir=" + out, "run.name=b", "run.rounds=8")).code());
        Path dev = out.resolve("b/checkpoints/round-00000008/device-00001.bin");
        byte[] bytes = Files.readAllBytes(dev);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(dev, bytes);
        Result r = run(args(c, "run.engine=local", "run.outputDir=" + out, "run.name=b", "run.rounds=10", "run.ifExists=resume"));
        assertEquals(ExitCode.OK, r.code(), r.out());
        assertTrue(r.out().contains("corrupted") && r.out().contains("round-00000004"), r.out());
        assertArrayEquals(theta(out.resolve("full")), theta(out.resolve("b")), 0f);
    }

    @Test
    void resumingWithAnotherConfigIsRefusedWithTheKeysNamed() throws Exception {
        Path c = conf();
        Path out = tmp.resolve("runs");
        assertEquals(ExitCode.OK, run(args(c, "run.engine=local", "run.outputDir=" + out, "run.rounds=4")).code());
        Result r = run(args(c, "run.engine=local", "run.outputDir=" + out, "run.rounds=8", "run.ifExists=resume",
                "sampler.steps=5"));
        assertEquals(ExitCode.BAD_CONFIG, r.code());
        assertTrue(r.out().contains("sampler.steps (checkpoint: 3, now: 5)"), r.out());
    }

    @Test
    void divergenceRollsBackThenFailsWithExitCode4() throws Exception {
        Path c = conf();
        Path out = tmp.resolve("runs");
        Result r = run(args(c, "run.engine=local", "run.outputDir=" + out, "run.rounds=12", "recovery.maxAbsEnergy=1e-9",
                "recovery.maxRollbacks=2"));
        assertEquals(ExitCode.DIVERGED, r.code(), r.out());
        assertTrue(r.out().contains("rolling back to round 0") && r.out().contains("rollback 2 of 2")
                && r.out().contains("2 rollback(s) already taken"), r.out());
    }

    @Test
    void aRollbackWithALowerLearningRateCanRecover() throws Exception {
        Path c = conf();
        Path out = tmp.resolve("runs");
        // the first attempt's |E| passes the bound; the rerun at 1% of the learning rate stays under it
        Result r = run(args(c, "run.engine=local", "run.outputDir=" + out, "run.rounds=8", "optimizer.lr=0.5",
                "recovery.maxAbsEnergy=2", "recovery.lrFactor=0.01", "recovery.maxRollbacks=1"));
        assertEquals(ExitCode.OK, r.code(), r.out());
        String summary = Files.readString(out.resolve("r/summary.json"));
        assertTrue(summary.contains("\"rolled_back_to\"") && summary.contains("\"final_lr_multiplier\" : 0.01"), summary);
        assertTrue(Files.readString(out.resolve("r/metrics.csv")).contains("resumed after rollback from round"),
                "the rollback is logged in metrics.csv");
    }

    @Test
    void aPrivacyBudgetStopsTheRunBeforeItIsExceeded() throws Exception {
        Path c = conf();
        Path out = tmp.resolve("runs");
        org.sparkebm.core.privacy.RdpAccountant acc = new org.sparkebm.core.privacy.RdpAccountant(0.5, 1.0);
        double budget = acc.epsilon(20, 1e-5)[0];
        Result r = run(args(c, "run.engine=local", "run.outputDir=" + out, "run.rounds=200", "privacy.clip=1",
                "privacy.noise=1.0", "devices.fraction=0.5", "devices.sampling=poisson",
                "privacy.epsilonBudget=" + budget));
        assertEquals(ExitCode.OK, r.code(), r.out());
        assertTrue(r.out().contains("stopping early, privacy budget"), r.out());
        com.fasterxml.jackson.databind.JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("r/summary.json").toFile());
        assertEquals(20, s.get("rounds").asInt(), "stops after exactly the rounds the budget allows");
        assertEquals(budget, s.get("privacy").get("epsilon").asDouble(), 1e-12);
        Result none = run(args(c, "run.engine=local", "run.outputDir=" + out, "run.name=none", "privacy.clip=1",
                "privacy.epsilonBudget=0.001"));
        assertEquals(ExitCode.BAD_CONFIG, none.code());
        assertTrue(none.out().contains("allows no round"), none.out());
    }
}
