package org.sparkebm.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.config.TestConfigs;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.IdxReader;
import org.sparkebm.core.data.Shard;

/**
 * A device reads only its own rows of an IDX file and gets exactly the rows, order, values and labels it got when
 * every device loaded the whole set and kept its share: plain and gzip files, limits and class filters.
 */
class ShardLoaderTest {
    static final int N = 103;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void files() throws IOException {
        SplittableRandom r = new SplittableRandom(4);
        byte[] px = new byte[N * 784];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) r.nextInt(256);
        }
        byte[] labels = new byte[N];
        for (int i = 0; i < N; i++) {
            labels[i] = (byte) r.nextInt(10);
        }
        write(Files.newOutputStream(tmp.resolve("images")), IdxReader.IMAGE_MAGIC, N, px, true);
        write(new GZIPOutputStream(Files.newOutputStream(tmp.resolve("images.gz"))), IdxReader.IMAGE_MAGIC, N, px, true);
        write(Files.newOutputStream(tmp.resolve("labels")), IdxReader.LABEL_MAGIC, N, labels, false);
        // a file whose header claims more images than it holds
        write(Files.newOutputStream(tmp.resolve("short")), IdxReader.IMAGE_MAGIC, N + 5, px, true);
    }

    static void write(OutputStream os, int magic, int n, byte[] body, boolean images) throws IOException {
        try (DataOutputStream out = new DataOutputStream(os)) {
            out.writeInt(magic);
            out.writeInt(n);
            if (images) {
                out.writeInt(28);
                out.writeInt(28);
            }
            out.write(body);
        }
    }

    static RunConfig cfg(int devices, String file, String... extra) {
        List<String> o = new ArrayList<>(List.of("run.name=t", "data.source=idx", "data.path=" + tmp.resolve(file),
                "devices.count=" + devices, "model.type=mlp", "model.hidden=8"));
        o.addAll(List.of(extra));
        return TestConfigs.of(o);
    }

    @Test
    void eachDeviceReadsExactlyItsShareOfTheWholeSet() {
        String labels = "data.labels=" + tmp.resolve("labels");
        for (String file : List.of("images", "images.gz")) {
            for (String[] extra : List.of(new String[] {}, new String[] {labels}, new String[] {"data.limit=50"},
                    new String[] {labels, "data.classes=1,3,7"}, new String[] {labels, "data.classes=2,5", "data.limit=9"},
                    new String[] {labels, "data.classes=0,9", "data.classCounts=3,4"})) {
                for (int p : new int[] {1, 3, 7}) {
                    RunConfig c = cfg(p, file, extra);
                    Shard all = ShardLoader.loadAll(c);
                    for (int q = 0; q < p; q++) {
                        Shard expect = all.shard(q, p);
                        Shard got = ShardLoader.shard(c, q);
                        String what = file + " " + String.join(" ", extra) + ", device " + q + " of " + p;
                        assertEquals(expect.rows(), got.rows(), what);
                        assertArrayEquals(expect.values(), got.values(), 0f, what);
                        assertArrayEquals(expect.labels(), got.labels(), what);
                        assertArrayEquals(expect.sampleShape(), got.sampleShape(), what);
                    }
                    ShardLoader.Preview pv = ShardLoader.preview(c, 10);
                    assertEquals(all.rows(), pv.totalRows());
                    assertEquals(Math.min(10, all.rows()), pv.rows().rows());
                    assertArrayEquals(java.util.Arrays.copyOf(all.values(), pv.rows().values().length),
                            pv.rows().values(), 0f);
                    assertEquals(all.labels() == null ? -1 : java.util.Arrays.stream(all.labels()).max().getAsInt(),
                            pv.maxLabel());
                }
            }
        }
    }

    @Test
    void aFileShorterThanItsHeaderIsRefusedByTheDriverAndTheDevices() {
        RunConfig c = cfg(2, "short");
        DataException e = assertThrows(DataException.class, () -> ShardLoader.preview(c, 10));
        assertTrue(e.getMessage().contains(tmp.resolve("short").toString()) && e.getMessage().contains("truncated"),
                e.getMessage());
        assertThrows(DataException.class, () -> ShardLoader.shard(c, 1));
        assertEquals(50, ShardLoader.shard(cfg(2, "short", "data.limit=100"), 0).rows(),
                "rows that lie within the file are read");
    }

    @Test
    void tooFewRowsForTheDevicesNamesTheKey() {
        DataException e = assertThrows(DataException.class,
                () -> ShardLoader.preview(cfg(4, "images", "data.limit=3"), 10));
        assertTrue(e.getMessage().contains("devices.count"), e.getMessage());
    }
}
