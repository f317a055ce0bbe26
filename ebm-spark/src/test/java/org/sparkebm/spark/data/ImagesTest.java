package org.sparkebm.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.config.TestConfigs;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.Shard;
import org.sparkebm.spark.cli.ExitCode;
import org.sparkebm.spark.cli.TrainJob;
import org.sparkebm.spark.io.HadoopFiles;
import org.sparkebm.spark.testing.SparkTestSessions;

/**
 * Images beyond IDX: a folder of PNG files in class subfolders through Spark's image source, and Parquet rows of
 * binary or numeric images, both with a declared data.shape. A small RGB set is generated here: pixel (c, y, x) of
 * image i is a known function, so the values every device receives, and the channel order, are checked exactly.
 */
class ImagesTest {
    static final int C = 3;
    static final int H = 7;
    static final int W = 5;
    static final int N = 24;

    @TempDir
    static Path tmp;
    private static Path folder;

    /** Pixel value 0..255 of channel c (R, G, B) at (y, x) of image i. */
    static int pixel(int i, int c, int y, int x) {
        return (i * 37 + c * 80 + y * 11 + x * 3) % 256;
    }

    /** Image i as model inputs: C, H, W order, p / 127.5 - 1. */
    static float[] expected(int i) {
        float[] f = new float[C * H * W];
        for (int c = 0; c < C; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    f[(c * H + y) * W + x] = pixel(i, c, y, x) / 127.5f - 1f;
                }
            }
        }
        return f;
    }

    static BufferedImage png(int i, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (pixel(i, 0, y, x) << 16) | (pixel(i, 1, y, x) << 8) | pixel(i, 2, y, x));
            }
        }
        return img;
    }

    /** Images 0..N-1, the even ones in class folder "a", the odd ones in "b"; names sort in image order. */
    @BeforeAll
    static void start() throws Exception {
        folder = tmp.resolve("images");
        for (int i = 0; i < N; i++) {
            Path dir = folder.resolve(i % 2 == 0 ? "a" : "b");
            Files.createDirectories(dir);
            ImageIO.write(png(i, H, W), "png", dir.resolve(String.format("img-%03d.png", i)).toFile());
        }
    }

    @AfterAll
    static void stop() {
        spark().stop();
    }

    static SparkSession spark() {
        return SparkTestSessions.session("ImagesTest");
    }

    static RunConfig cfg(String... extra) {
        return TestConfigs.of(List.of("run.name=img", "run.seed=3", "devices.count=2", "data.source=images",
                "data.path=" + folder, "data.shape=3,7,5", "model.type=conv", "model.conv.layers=4:3:1:1,8:3:2:1",
                "train.batch=4", "train.chains=4", "chains.buffer=8", "chains.init=gaussian", "sampler.steps=2",
                "sampler.stepSize=0.02", "optimizer.lr=1e-3", "checkpoint.every=1000"), extra);
    }

    /** Rows in path order: folder a (even images), then folder b (odd). */
    static int imageOfRow(int row) {
        return row < N / 2 ? 2 * row : 2 * (row - N / 2) + 1;
    }

    @Test
    void aFolderOfPngsGivesEachDeviceItsImagesExactlyInRgbOrderWithFolderClasses() {
        Tabular.Loaded l = Tabular.load(spark(), cfg("model.type=mjem", "model.classes=2", "model.hidden=8"));
        assertEquals(N, l.rows());
        assertArrayEquals(new int[] {C, H, W}, l.shape());
        List<Shard> shards = l.shards().collect();
        for (int p = 0; p < 2; p++) {
            Shard s = shards.get(p);
            assertArrayEquals(new int[] {C, H, W}, s.sampleShape());
            assertEquals(N / 2, s.rows());
            for (int j = 0; j < s.rows(); j++) {
                int i = imageOfRow(p + 2 * j); // device p holds rows p, p+2, ...
                float[] got = java.util.Arrays.copyOfRange(s.values(), j * C * H * W, (j + 1) * C * H * W);
                assertArrayEquals(expected(i), got, 1e-6f, "device " + p + ", image " + i);
                assertEquals(i % 2, s.labels()[j], "image " + i + "'s class is its folder");
            }
        }
    }

    @Test
    void parquetImagesAsBytesOrNumbersGiveTheSameRows() throws Exception {
        StructType schema = new StructType().add("bytes", DataTypes.BinaryType)
                .add("numbers", DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            byte[] b = new byte[C * H * W];
            float[] e = expected(i);
            List<Float> f = new ArrayList<>();
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) Math.round((e[k] + 1f) * 127.5f);
                f.add(e[k]);
            }
            rows.add(RowFactory.create(b, f, i % 2));
        }
        Path pq = tmp.resolve("images.parquet");
        // one file: Spark reads the files of a folder largest first, so row order is file order only within one
        HadoopFiles.writeFrame(spark().createDataFrame(rows, schema).coalesce(1), pq.toString(), "parquet");
        for (String col : List.of("bytes", "numbers")) {
            Tabular.Loaded l = Tabular.load(spark(), cfg("data.source=parquet", "data.path=" + pq, "data.columns=" + col));
            assertArrayEquals(new int[] {C, H, W}, l.shape());
            Shard all = l.all();
            for (int i = 0; i < N; i++) {
                assertArrayEquals(expected(i), java.util.Arrays.copyOfRange(all.values(), i * C * H * W,
                        (i + 1) * C * H * W), 1e-6f, col + " row " + i);
            }
        }
        // a row of the wrong size is named with its row and column, before any work
        rows.set(7, RowFactory.create(new byte[10], List.of(1f, 2f), 1));
        Path bad = tmp.resolve("bad.parquet");
        HadoopFiles.writeFrame(spark().createDataFrame(rows, schema).coalesce(1), bad.toString(), "parquet");
        DataException e = assertThrows(DataException.class, () -> Tabular.load(spark(),
                cfg("data.source=parquet", "data.path=" + bad, "data.columns=bytes")));
        assertTrue(e.getMessage().contains("row 7, column 'bytes': 10 bytes, not the 105 of a 3×7×5 image"), e.getMessage());
        e = assertThrows(DataException.class, () -> Tabular.load(spark(),
                cfg("data.source=parquet", "data.path=" + bad, "data.columns=label")));
        assertTrue(e.getMessage().contains("column 'label' is int; images (data.shape) are an array of numbers or binary"),
                e.getMessage());
    }

    @Test
    void anUndecodableFileOrAWrongShapeIsNamedBeforeAnyWork() throws Exception {
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken.resolve("a"));
        for (int i = 0; i < 4; i++) {
            ImageIO.write(png(i, H, W), "png", broken.resolve("a/ok-" + i + ".png").toFile());
        }
        Files.write(broken.resolve("a/zz-truncated.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        DataException e = assertThrows(DataException.class,
                () -> Tabular.load(spark(), cfg("data.path=" + broken)));
        assertTrue(e.getMessage().contains("zz-truncated.png: not a decodable image"), e.getMessage());

        Path wrong = tmp.resolve("wrong");
        Files.createDirectories(wrong);
        ImageIO.write(png(0, H, W), "png", wrong.resolve("a.png").toFile());
        ImageIO.write(png(1, H + 2, W), "png", wrong.resolve("b.png").toFile());
        e = assertThrows(DataException.class, () -> Tabular.load(spark(), cfg("data.path=" + wrong)));
        assertTrue(e.getMessage().contains("b.png: a 3×9×5 image (channels×height×width), data.shape = 3,7,5"),
                e.getMessage());

        // a classifier needs class folders
        e = assertThrows(DataException.class, () -> Tabular.load(spark(), cfg("data.path=" + folder.resolve("a"),
                "model.type=mjem", "model.classes=2", "model.hidden=8")));
        assertTrue(e.getMessage().contains("needs one subfolder per class"), e.getMessage());
    }

    @Test
    void theShapeIsCheckedWithTheConfig() {
        ConfigException e = assertThrows(ConfigException.class, () -> TestConfigs.of(List.of("run.name=x", "data.source=images", "data.path=x")));
        assertTrue(e.getMessage().contains("data.shape"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> cfg("data.shape=3,6"));
        assertTrue(e.getMessage().contains("C,H,W"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> cfg("data.source=parquet"));
        assertTrue(e.getMessage().contains("data.columns"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> cfg("data.standardize=true"));
        assertTrue(e.getMessage().contains("data.standardize"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> cfg("data.source=gmm"));
        assertTrue(e.getMessage().contains("data.shape"), e.getMessage());
    }

    @Test
    void theJobTrainsAConvEnergyOnTheFolderOnSparkAsLocally() throws Exception {
        Path out = tmp.resolve("runs");
        String[] common = {"run.rounds=3", "run.logEvery=1", "run.outputDir=" + out, "spark.master=local[2]"};
        for (String engine : List.of("spark", "local")) {
            List<String> args = new ArrayList<>(List.of(writeConf().toString(), "run.engine=" + engine,
                    "run.name=" + engine));
            args.addAll(List.of(common));
            assertEquals(ExitCode.OK, TrainJob.run(args.toArray(new String[0])), engine);
            assertTrue(Files.size(out.resolve(engine + "/samples.png")) > 0);
        }
        float[] a = org.sparkebm.core.io.ModelFile.read(Files.newInputStream(out.resolve("spark/model.bin")), "spark").theta();
        float[] b = org.sparkebm.core.io.ModelFile.read(Files.newInputStream(out.resolve("local/model.bin")), "local").theta();
        assertNotNull(a);
        assertArrayEquals(b, a, 0f, "the same θ on Spark and locally");
        BufferedImage grid = ImageIO.read(out.resolve("spark/samples.png").toFile());
        assertEquals(3, grid.getColorModel().getNumColorComponents(), "RGB samples are drawn in colour");
    }

    private static Path writeConf() throws Exception {
        Path conf = tmp.resolve("images.properties");
        Files.writeString(conf, String.join("\n", "run.name=img", "run.seed=3", "devices.count=2",
                "data.source=images", "data.path=" + folder, "data.shape=3,7,5", "model.type=conv",
                "model.conv.layers=4:3:1:1,8:3:2:1", "train.batch=4", "train.chains=4", "chains.buffer=8",
                "chains.init=gaussian", "sampler.steps=2", "sampler.stepSize=0.02", "optimizer.lr=1e-3",
                "checkpoint.every=1000") + "\n");
        return conf;
    }
}
