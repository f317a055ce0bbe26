package org.sparkebm.spark.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.DataSpec;
import org.sparkebm.core.data.IdxReader;
import org.sparkebm.core.data.PcaProjection;
import org.sparkebm.core.data.Shard;
import org.sparkebm.spark.io.HadoopFiles;

/**
 * Loads data: the whole set on the driver for validation (before Spark work starts), or one device's shard on
 * an executor (CSV and Parquet data go through Spark's readers instead: {@link Tabular}). Synthetic data is regenerated from the seed on each executor; IDX files are read through
 * Hadoop's FileSystem, so {@code file://} and {@code hdfs://} both work.
 */
public final class ShardLoader {
    private ShardLoader() {}

    /** The full data set, validated (finite values, sizes, labels), in principal coordinates with {@code data.projection}. */
    public static Shard loadAll(RunConfig cfg) {
        DataSpec d = cfg.data();
        Shard all;
        if (d.synthetic()) {
            all = d.generate(cfg.seed());
        } else if (d.tabular()) {
            throw new IllegalStateException("data.source = " + d.source() + " is read through Spark (Tabular.load)");
        } else {
            all = readIdx(d.path(), d.labels(), d.classes() == null ? d.limit() : 0, d.classes(), d.classCounts());
            if (d.classes() != null && d.limit() > 0 && all.rows() > d.limit()) {
                all = firstRows(all, d.limit());
            }
            if (d.projection() != null) {
                all = PcaProjection.read(d.projection()).project(all, d.path());
            }
        }
        String src = d.synthetic() ? "data.source=" + d.source() : d.path();
        if (all.rows() < cfg.devices()) {
            throw new DataException(src + ": " + all.rows() + " rows cannot feed " + cfg.devices() + " devices (devices.count)");
        }
        return all.requireFinite(src);
    }

    /**
     * 28x28 IDX images (and labels, or null) from any Hadoop path, with an optional class filter and per-class counts.
     *
     * @param limit rows to read (0: all)
     */
    public static Shard readIdx(String images, String labels, int limit, int[] classes, int[] perClass) {
        IdxReader.Images img;
        try (InputStream in = HadoopFiles.open(images)) {
            img = IdxReader.readImages(in, images, limit);
        } catch (IOException e) {
            throw new DataException(images + ": cannot open data file (" + e.getMessage() + ")", e);
        }
        int[] l = null;
        if (labels != null) {
            try (InputStream in = HadoopFiles.open(labels)) {
                l = IdxReader.readLabels(in, labels, 0);
            } catch (IOException e) {
                throw new DataException(labels + ": cannot open label file (" + e.getMessage() + ")", e);
            }
        }
        return IdxReader.toDataset(img, l, images, 28, 28, classes, perClass);
    }

    private static Shard firstRows(Shard d, int n) {
        float[] v = Arrays.copyOf(d.values(), n * d.dim());
        int[] l = d.labels() == null ? null : Arrays.copyOf(d.labels(), n);
        return new Shard(v, n, d.sampleShape(), l);
    }

    /** Device p's shard (on the executor). */
    public static Shard shard(RunConfig cfg, int p) {
        return loadAll(cfg).shard(p, cfg.devices());
    }
}
