package org.sparkebm.spark.io;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.sparkebm.core.config.ConfigException;

/**
 * Files on any Hadoop path ({@code file://}, {@code hdfs://}, or a plain local path), with atomic writes:
 * content goes to a hidden temporary name in the same directory and is renamed into place, so a crash never
 * leaves a partial file under the final name.
 */
public final class HadoopFiles {
    private HadoopFiles() {}

    /** The Hadoop path for a user-given location (plain paths are local files). */
    public static Path path(String location) {
        URI u = URI.create(location.replace(" ", "%20"));
        if (u.getScheme() == null) {
            return new Path(new File(location).getAbsoluteFile().toURI());
        }
        return new Path(location);
    }

    public static FileSystem fs(Path p) throws IOException {
        return p.getFileSystem(new Configuration());
    }

    public static InputStream open(String location) throws IOException {
        Path p = path(location);
        return fs(p).open(p);
    }

    public static boolean exists(Path p) throws IOException {
        return fs(p).exists(p);
    }

    /** Writes {@code content} to {@code target} atomically (temp file + rename); replaces an existing file. */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        writeAtomically(target, out -> out.write(content));
    }

    /** Body writing into a stream. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Streams {@code body} to {@code target} atomically; replaces an existing file. */
    public static void writeAtomically(Path target, Body body) throws IOException {
        FileSystem fs = fs(target);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try (OutputStream out = fs.create(tmp, false)) {
            body.write(out);
        }
        if (fs.exists(target) && !fs.delete(target, false)) {
            throw new IOException("cannot replace " + target);
        }
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
    }

    /**
     * Writes a DataFrame to {@code target} with Spark's writer ({@code parquet} or {@code csv} with a header)
     * atomically: into a hidden sibling directory first, renamed into place when complete. An existing target is
     * never replaced.
     *
     * @throws org.sparkebm.core.config.ConfigException if {@code target} exists (nothing is written)
     */
    public static void writeFrame(Dataset<Row> df, String target,
                                  String format) throws IOException {
        Path t = path(target);
        FileSystem fs = fs(t);
        if (fs.exists(t)) {
            throw new ConfigException("output " + t + " already exists; nothing was changed"
                    + " (choose another output path)");
        }
        Path tmp = new Path(t.getParent(), "." + t.getName() + ".tmp-" + UUID.randomUUID());
        DataFrameWriter<Row> w = df.write()
                .mode(SaveMode.ErrorIfExists);
        switch (format) {
            case "parquet" -> w.parquet(tmp.toString());
            case "csv" -> w.option("header", true).csv(tmp.toString());
            default -> throw new IllegalArgumentException("format " + format + ": parquet or csv");
        }
        if (!fs.rename(tmp, t)) {
            fs.delete(tmp, true);
            throw new IOException("cannot rename " + tmp + " to " + t + " (did another job write it meanwhile?)");
        }
    }
}
