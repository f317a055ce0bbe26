package org.sparkebm.core.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or not (detected from the magic bytes).
 *
 * <p>Images (magic 2051) are scaled from [0, 255] to [-1, 1]; labels have magic 2049. Every error names the
 * source and what is wrong: wrong magic, truncated file, sizes that do not match the expected image size,
 * labels and images that disagree in count.
 */
public final class IdxReader {
    public static final int IMAGE_MAGIC = 2051;
    public static final int LABEL_MAGIC = 2049;

    /** The largest array the JVM allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private IdxReader() {}

    /** Header of an image file plus its pixel bytes. */
    public record Images(int count, int rows, int cols, byte[] pixels) {}

    /** Opens {@code in} transparently gunzipping it when it starts with the gzip magic. */
    public static InputStream maybeGunzip(InputStream in) throws IOException {
        PushbackInputStream pb = new PushbackInputStream(in, 2);
        int b0 = pb.read();
        int b1 = pb.read();
        if (b1 >= 0) {
            pb.unread(b1);
        }
        if (b0 >= 0) {
            pb.unread(b0);
        }
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(pb, 1 << 16) : pb;
    }

    /** Reads an image file. {@code limit} caps the count read (≤ 0: all). */
    public static Images readImages(InputStream raw, String source, int limit) {
        try (DataInputStream in = new DataInputStream(maybeGunzip(raw))) {
            Header h = readHeader(in, source);
            int n = h.count();
            int rows = h.rows();
            int cols = h.cols();
            int take = limit > 0 ? Math.min(limit, n) : n;
            long bytes = (long) take * rows * cols;
            if (bytes > MAX_ARRAY) {
                throw new DataException(source + ": the IDX header claims " + n + " images of " + rows + "x" + cols
                        + " pixels (" + bytes + " bytes to read), more than one array can hold; set data.limit, or"
                        + " check the file");
            }
            // read what is there, not what the header claims: a wrong header must not allocate its claim up front
            byte[] px = in.readNBytes((int) bytes);
            if (px.length < bytes) {
                throw new DataException(source + ": truncated IDX file: its header claims " + n + " images of " + rows
                        + "x" + cols + " pixels, the file holds " + px.length / ((long) rows * cols) + "");
            }
            return new Images(take, rows, cols, px);
        } catch (EOFException e) {
            throw new DataException(source + ": truncated IDX file (ended before the count in its header)", e);
        } catch (IOException e) {
            throw new DataException(source + ": cannot read IDX data (" + e.getMessage() + ")", e);
        }
    }

    /** The header of an image file: image count and size. */
    public record Header(int count, int rows, int cols) {
        /** Bytes of one image record. */
        public int recordBytes() {
            return rows * cols;
        }
    }

    /** Reads and checks the 16-byte header of an image file from {@code in} (positioned at its start). */
    static Header readHeader(DataInputStream in, String source) throws IOException {
        int magic = in.readInt();
        if (magic != IMAGE_MAGIC) {
            throw new DataException(source + ": not an IDX image file (magic " + magic + ", expected " + IMAGE_MAGIC
                    + (magic == LABEL_MAGIC ? "; this is a label file" : "") + ")");
        }
        int n = in.readInt();
        int rows = in.readInt();
        int cols = in.readInt();
        if (n < 0 || rows <= 0 || cols <= 0 || (long) rows * cols > Integer.MAX_VALUE) {
            throw new DataException(source + ": bad IDX header count=" + n + " rows=" + rows + " cols=" + cols);
        }
        return new Header(n, rows, cols);
    }

    /** The header of an image file alone. */
    public static Header readHeader(InputStream raw, String source) {
        try (DataInputStream in = new DataInputStream(maybeGunzip(raw))) {
            return readHeader(in, source);
        } catch (EOFException e) {
            throw new DataException(source + ": truncated IDX file (ended inside its header)", e);
        } catch (IOException e) {
            throw new DataException(source + ": cannot read IDX data (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The images at the given file rows only, streamed: the records in between are skipped (a seek in a plain file;
     * decompressed and dropped in a gzip file), so only the wanted rows are held. {@code fileRows} is read and must
     * be strictly increasing; its last row must lie within the header's count and the file (else a
     * {@link DataException} naming {@code source}). An empty {@code fileRows} still checks the header.
     */
    public static Images readRows(InputStream raw, String source, int[] fileRows) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(maybeGunzip(raw), 1 << 16))) {
            Header h = readHeader(in, source);
            int rec = h.recordBytes();
            if ((long) fileRows.length * rec > MAX_ARRAY) {
                throw new DataException(source + ": " + fileRows.length + " images of " + rec + " bytes are more than one"
                        + " array can hold; use more devices (devices.count) or set data.limit");
            }
            byte[] px = new byte[fileRows.length * rec];
            long at = 0;
            for (int j = 0; j < fileRows.length; j++) {
                int r = fileRows[j];
                if (r < at || r >= h.count()) {
                    throw new IllegalArgumentException("row " + r + " out of order or past the header's count " + h.count());
                }
                try {
                    in.skipNBytes((r - at) * rec);
                    in.readFully(px, j * rec, rec);
                } catch (EOFException e) {
                    throw new DataException(source + ": truncated IDX file: its header claims " + h.count()
                            + " images of " + h.rows() + "x" + h.cols() + " pixels, the file ends before image " + (r + 1), e);
                }
                at = r + 1L;
            }
            return new Images(fileRows.length, h.rows(), h.cols(), px);
        } catch (EOFException e) {
            throw new DataException(source + ": truncated IDX file (ended inside its header)", e);
        } catch (IOException e) {
            throw new DataException(source + ": cannot read IDX data (" + e.getMessage() + ")", e);
        }
    }

    /** Reads a label file. */
    public static int[] readLabels(InputStream raw, String source, int limit) {
        try (DataInputStream in = new DataInputStream(maybeGunzip(raw))) {
            int magic = in.readInt();
            if (magic != LABEL_MAGIC) {
                throw new DataException(source + ": not an IDX label file (magic " + magic + ", expected " + LABEL_MAGIC + ")");
            }
            int n = in.readInt();
            if (n < 0) {
                throw new DataException(source + ": bad IDX label header count=" + n);
            }
            int take = limit > 0 ? Math.min(limit, n) : n;
            if (take > MAX_ARRAY) {
                throw new DataException(source + ": the IDX header claims " + n + " labels, more than one array can hold");
            }
            byte[] b = in.readNBytes(take);
            if (b.length < take) {
                throw new DataException(source + ": truncated IDX label file: its header claims " + n
                        + " labels, the file holds " + b.length);
            }
            int[] labels = new int[take];
            for (int i = 0; i < take; i++) {
                labels[i] = b[i] & 0xff;
            }
            return labels;
        } catch (EOFException e) {
            throw new DataException(source + ": truncated IDX label file", e);
        } catch (IOException e) {
            throw new DataException(source + ": cannot read IDX labels (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Builds a dataset from images (and labels), keeping only the given classes with at most the given count
     * each (in file order).
     *
     * @param expectedRows expected image height (≤ 0: any); likewise {@code expectedCols}
     * @param classes      classes to keep, or {@code null} for all (then {@code perClass} must be null)
     * @param perClass     per-class counts aligned with {@code classes}, or {@code null} for all of each class
     */
    public static Shard toDataset(Images img, int[] labels, String source, int expectedRows, int expectedCols,
                                    int[] classes, int[] perClass) {
        if ((expectedRows > 0 && img.rows() != expectedRows) || (expectedCols > 0 && img.cols() != expectedCols)) {
            throw new DataException(source + ": images are " + img.rows() + "x" + img.cols() + ", expected "
                    + expectedRows + "x" + expectedCols);
        }
        if (labels != null && labels.length < img.count()) {
            throw new DataException(source + ": " + img.count() + " images but only " + labels.length + " labels");
        }
        if (classes != null && labels == null) {
            throw new DataException(source + ": a class filter needs a label file");
        }
        int d = img.rows() * img.cols();
        int[] keep = selectRows(labels, img.count(), classes, perClass, source);
        int n = keep.length;
        float[] v = new float[n * d];
        int[] l = labels == null ? null : new int[n];
        for (int j = 0; j < n; j++) {
            int i = keep[j];
            for (int k = 0; k < d; k++) {
                v[j * d + k] = pixel(img.pixels()[i * d + k]);
            }
            if (l != null) {
                l[j] = labels[i];
            }
        }
        return new Shard(v, n, new int[] {1, img.rows(), img.cols()}, l);
    }

    /**
     * Indices of the first {@code count} rows kept by a class filter: all rows when {@code classes} is null, else the
     * rows whose label is in {@code classes}, and with {@code perClass} the first {@code perClass[c]} of class
     * {@code classes[c]} in file order (too few is an error naming {@code source}).
     */
    public static int[] selectRows(int[] labels, int count, int[] classes, int[] perClass, String source) {
        int[] taken = classes == null ? null : new int[classes.length];
        int[] keep = new int[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (classes != null) {
                int c = indexOf(classes, labels[i]);
                if (c < 0 || (perClass != null && taken[c] >= perClass[c])) {
                    continue;
                }
                taken[c]++;
            }
            keep[n++] = i;
        }
        if (perClass != null) {
            for (int c = 0; c < classes.length; c++) {
                if (taken[c] < perClass[c]) {
                    throw new DataException(source + ": class " + classes[c] + " has only " + taken[c]
                            + " images, " + perClass[c] + " requested");
                }
            }
        }
        return Arrays.copyOf(keep, n);
    }

    /**
     * Writes images in the model's [−1, 1] pixel scale as an uncompressed IDX3 file of unsigned bytes (the
     * inverse of {@link #toDataset}: pixel = round((x + 1)·127.5), clamped to 0–255).
     *
     * @param values read: {@code n · rows · cols} floats, row-major
     */
    public static void writeImages(OutputStream os, float[] values, int n, int rows, int cols)
            throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os));
        out.writeInt(IMAGE_MAGIC);
        out.writeInt(n);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < n * rows * cols; i++) {
            long p = Math.round((values[i] + 1.0) * 127.5);
            out.writeByte((int) Math.max(0, Math.min(255, p)));
        }
        out.flush();
    }

    /** A pixel byte 0..255 as a model input in −1..1 (p / 127.5 − 1): the one scaling of every image source. */
    public static float pixel(byte b) {
        return (b & 0xff) / 127.5f - 1f;
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
