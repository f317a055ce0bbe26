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
 * Loads data: the whole set (the local engine, and synthetic data), a preview and the checks the driver makes
 * before Spark work starts, or one device's shard on an executor, which reads only its own rows (CSV and Parquet data go through Spark's readers instead: {@link Tabular}). Synthetic data is regenerated from the seed on each executor; IDX files are read through
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
        return readIdx(images, labels, limit, classes, perClass, 28);
    }

    /** The same for {@code side × side} images, or images of any size for {@code side} ≤ 0. */
    public static Shard readIdx(String images, String labels, int limit, int[] classes, int[] perClass, int side) {
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
        return IdxReader.toDataset(img, l, images, side, side, classes, perClass);
    }

    private static Shard firstRows(Shard d, int n) {
        float[] v = Arrays.copyOf(d.values(), n * d.dim());
        int[] l = d.labels() == null ? null : Arrays.copyOf(d.labels(), n);
        return new Shard(v, n, d.sampleShape(), l);
    }

    /**
     * Device p's shard (on its executor). Synthetic data is regenerated from the seed; an IDX file is read for this
     * device's rows only ({@link #selection}, {@link IdxReader#readRows}): the same rows, in the same order and with
     * the same values as {@code loadAll(cfg).shard(p, P)}, without the whole set in memory.
     */
    public static Shard shard(RunConfig cfg, int p) {
        DataSpec d = cfg.data();
        if (d.synthetic() || d.tabular()) {
            return loadAll(cfg).shard(p, cfg.devices());
        }
        Selection sel = selection(d);
        if (sel.rows() < cfg.devices()) {
            throw new DataException(d.path() + ": " + sel.rows() + " rows cannot feed " + cfg.devices()
                    + " devices (devices.count)");
        }
        int[] mine = new int[(sel.rows() - p + cfg.devices() - 1) / cfg.devices()];
        for (int j = 0; j < mine.length; j++) {
            mine[j] = sel.fileRows()[p + j * cfg.devices()];
        }
        return read(d, sel, mine);
    }

    /**
     * What the driver needs of an IDX data set before Spark starts, without reading it whole: the first
     * {@code previewRows} used rows (for pictures and the model's input size), how many rows there are and the
     * largest label. Every used row is checked to be in the file: a plain file by seeking to the last one, a gzip
     * file by one decompressing pass that keeps nothing.
     */
    public record Preview(Shard rows, int totalRows, int maxLabel) {}

    /** The {@link Preview} of the config's IDX data (see there). */
    public static Preview preview(RunConfig cfg, int previewRows) {
        DataSpec d = cfg.data();
        Selection sel = selection(d);
        if (sel.rows() < cfg.devices()) {
            throw new DataException(d.path() + ": " + sel.rows() + " rows cannot feed " + cfg.devices()
                    + " devices (devices.count)");
        }
        int[] last = sel.rows() == 0 ? new int[0] : new int[] {sel.fileRows()[sel.rows() - 1]};
        try (InputStream in = HadoopFiles.open(d.path())) {
            IdxReader.readRows(in, d.path(), last);
        } catch (IOException e) {
            throw new DataException(d.path() + ": cannot open data file (" + e.getMessage() + ")", e);
        }
        int max = -1;
        if (sel.labels() != null) {
            for (int r : sel.fileRows()) {
                max = Math.max(max, sel.labels()[r]);
            }
        }
        int n = Math.min(previewRows, sel.rows());
        return new Preview(read(d, sel, Arrays.copyOf(sel.fileRows(), n)), sel.rows(), max);
    }

    /**
     * The file rows a run uses, in order, from the image header and the labels alone: the first data.limit rows,
     * or with data.classes the rows of those classes (data.classCounts of each, then at most data.limit): the
     * selection {@link #loadAll} makes.
     *
     * @param labels all labels of the file, or null without a label file
     */
    record Selection(IdxReader.Header header, int[] fileRows, int[] labels) {
        int rows() {
            return fileRows.length;
        }
    }

    static Selection selection(DataSpec d) {
        IdxReader.Header h;
        try (InputStream in = HadoopFiles.open(d.path())) {
            h = IdxReader.readHeader(in, d.path());
        } catch (IOException e) {
            throw new DataException(d.path() + ": cannot open data file (" + e.getMessage() + ")", e);
        }
        if (h.rows() != 28 || h.cols() != 28) {
            throw new DataException(d.path() + ": images are " + h.rows() + "x" + h.cols() + ", expected 28x28");
        }
        int[] labels = null;
        if (d.labels() != null) {
            try (InputStream in = HadoopFiles.open(d.labels())) {
                labels = IdxReader.readLabels(in, d.labels(), 0);
            } catch (IOException e) {
                throw new DataException(d.labels() + ": cannot open label file (" + e.getMessage() + ")", e);
            }
        }
        int take = d.classes() == null && d.limit() > 0 ? Math.min(d.limit(), h.count()) : h.count();
        if (labels != null && labels.length < take) {
            throw new DataException(d.path() + ": " + take + " images but only " + labels.length + " labels");
        }
        if (d.classes() != null && labels == null) {
            throw new DataException(d.path() + ": a class filter needs a label file");
        }
        int[] keep = IdxReader.selectRows(labels, take, d.classes(), d.classCounts(), d.path());
        if (d.classes() != null && d.limit() > 0 && keep.length > d.limit()) {
            keep = Arrays.copyOf(keep, d.limit());
        }
        return new Selection(h, keep, labels);
    }

    /** The given file rows (ascending) with their labels, in the model's pixel scale and projected. */
    private static Shard read(DataSpec d, Selection sel, int[] fileRows) {
        IdxReader.Images img;
        try (InputStream in = HadoopFiles.open(d.path())) {
            img = IdxReader.readRows(in, d.path(), fileRows);
        } catch (IOException e) {
            throw new DataException(d.path() + ": cannot open data file (" + e.getMessage() + ")", e);
        }
        int[] l = null;
        if (sel.labels() != null) {
            l = new int[fileRows.length];
            for (int j = 0; j < l.length; j++) {
                l[j] = sel.labels()[fileRows[j]];
            }
        }
        Shard s = IdxReader.toDataset(img, l, d.path(), 28, 28, null, null);
        return d.projection() == null ? s : PcaProjection.read(d.projection()).project(s, d.path());
    }
}
