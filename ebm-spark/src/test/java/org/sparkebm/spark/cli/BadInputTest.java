package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkebm.core.data.IdxReader;

/**
 * Bad input, one row a case: what the user passes, the exit code the README gives for it, words the message
 * must contain, and that nothing was created (no run directory, no file next to it). The next case is one row.
 */
class BadInputTest {
    @TempDir
    static Path tmp;
    static Path conf;

    /**
     * @param name    what the case is
     * @param command the command under test
     * @param args    the command line, built from the small config and the case's files
     * @param code    the expected exit code
     * @param words   what the message must say
     */
    record Case(String name, Function<String[], ExitCode> command, Function<Path, String[]> args, ExitCode code,
                String... words) {
        /** A case of the train command. */
        Case(String name, Function<Path, String[]> args, ExitCode code, String... words) {
            this(name, TrainJob::run, args, code, words);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void files() throws IOException {
        conf = tmp.resolve("small.properties");
        Files.writeString(conf, String.join("\n", "run.name = small", "run.rounds = 4", "devices.count = 2",
                "data.source = gmm", "data.rows = 200", "model.hidden = 8", "train.batch = 16", "train.chains = 16",
                "chains.buffer = 32", "chains.init = data", "sampler.steps = 2", "spark.master = local[2]"));
        Files.createDirectories(tmp.resolve("a-directory"));
        Files.write(tmp.resolve("binary.properties"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3});
        // an IDX file whose header claims 10^8 images and holds 3
        ByteBuffer b = ByteBuffer.allocate(16 + 3 * 784);
        b.putInt(IdxReader.IMAGE_MAGIC).putInt(100_000_000).putInt(28).putInt(28);
        Files.write(tmp.resolve("lying-idx3-ubyte"), b.array());
        b.putInt(4, 3);
        Files.write(tmp.resolve("idx3-ubyte-small"), b.array());
        try (GZIPOutputStream z = new GZIPOutputStream(Files.newOutputStream(tmp.resolve("table.gz")))) {
            z.write("f0,f1\n1,2\n".getBytes());
        }
        Files.writeString(tmp.resolve("table.csv"), "a,b\n1,2\n3,4\n");
        // an image folder with a file that is not an image
        Files.createDirectories(tmp.resolve("images/a"));
        Files.write(tmp.resolve("images/a/not-a.png"), "hello".getBytes());
        // a model of 2-D points to score with, trained in this JVM (its run directory is made before the cases)
        assertEquals(ExitCode.OK, TrainJob.run(new String[] {conf.toString(), "run.engine=local",
                "run.outputDir=" + tmp.resolve("model")}));
    }

    static String[] with(String... overrides) {
        List<String> a = new ArrayList<>(List.of(conf.toString(), "run.outputDir=" + tmp.resolve("runs")));
        a.addAll(List.of(overrides));
        return a.toArray(new String[0]);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("unknown key", t -> with("sampler.stpes=3"), ExitCode.BAD_CONFIG, "sampler.stpes",
                        "did you mean 'sampler.steps'"),
                new Case("rounds beyond an int", t -> with("run.rounds=99999999999"), ExitCode.BAD_CONFIG,
                        "run.rounds", "too large"),
                new Case("a number that is not one", t -> with("optimizer.lr=fast"), ExitCode.BAD_CONFIG,
                        "optimizer.lr", "not a number"),
                new Case("a choice that is not one", t -> with("train.method=jarzinsky"), ExitCode.BAD_CONFIG,
                        "train.method", "pcd, cd, jarzynski"),
                new Case("a directory as the config", t -> new String[] {t.resolve("a-directory").toString()},
                        ExitCode.BAD_CONFIG, "a-directory", "is a directory"),
                new Case("a binary file as the config", t -> new String[] {t.resolve("binary.properties").toString()},
                        ExitCode.BAD_CONFIG, "binary.properties", "not a text config file"),
                new Case("a missing config", t -> new String[] {t.resolve("nope.properties").toString()},
                        ExitCode.BAD_CONFIG, "nope.properties", "not found"),
                new Case("an unknown master scheme", t -> with("spark.master=bogus://x"), ExitCode.BAD_CONFIG,
                        "spark.master", "not a Spark master URL"),
                new Case("a master with no threads", t -> with("spark.master=local[0]"), ExitCode.BAD_CONFIG,
                        "spark.master"),
                new Case("a missing projection file", t -> with("data.source=idx", "data.path=" + t.resolve("x"),
                        "data.projection=" + t.resolve("missing-projection.bin")), ExitCode.BAD_DATA,
                        "data.projection", "missing-projection.bin"),
                new Case("a missing base file", t -> with("model.basePath=" + t.resolve("missing-base.bin")),
                        ExitCode.BAD_DATA, "model.basePath", "missing-base.bin"),
                new Case("an IDX header claiming 10^8 images", t -> with("data.source=idx",
                        "data.path=" + t.resolve("lying-idx3-ubyte")), ExitCode.BAD_DATA, "lying-idx3-ubyte",
                        "100000000"),
                new Case("gzip given as Parquet", t -> with("data.source=parquet",
                        "data.path=" + t.resolve("table.gz")), ExitCode.BAD_DATA, "table.gz", "not a Parquet file"),
                new Case("an image that does not decode", t -> with("data.source=images",
                        "data.path=" + t.resolve("images"), "data.shape=1,4,4"), ExitCode.BAD_DATA, "not-a.png",
                        "not a decodable image"),
                new Case("scoring images with a model of 2 features", ScoreJob::run, t -> new String[] {
                        t.resolve("model/small").toString(), t.resolve("idx3-ubyte-small").toString(),
                        t.resolve("scored").toString(), "format=idx", "master=local[2]"}, ExitCode.BAD_DATA,
                        "784 features", "takes 2"),
                new Case("scoring a table without the feature column", ScoreJob::run, t -> new String[] {
                        t.resolve("model/small").toString(), t.resolve("table.csv").toString(),
                        t.resolve("scored").toString(), "master=local[2]"}, ExitCode.BAD_DATA, "table.csv",
                        "no column 'features'", "features=<column>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedBeforeAnyWorkAndLeavesNothingBehind(Case c) throws IOException {
        List<Path> before;
        try (Stream<Path> s = Files.walk(tmp)) {
            before = s.sorted().toList();
        }
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        ExitCode code;
        try {
            code = c.command().apply(c.args().apply(tmp));
        } finally {
            System.setErr(old);
        }
        String msg = err.toString();
        assertEquals(c.code(), code, c.name() + ": " + msg);
        for (String w : c.words()) {
            assertTrue(msg.contains(w), c.name() + ": the message should say '" + w + "':\n" + msg);
        }
        assertTrue(msg.lines().count() <= 3, c.name() + ": a message, not a stack trace:\n" + msg);
        List<Path> after;
        try (Stream<Path> s = Files.walk(tmp)) {
            after = s.sorted().toList();
        }
        assertEquals(before, after, c.name() + ": nothing is created");
    }
}
