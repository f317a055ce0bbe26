package org.sparkebm.core.util;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Files fitted once from the data and read by every task (the Gaussian base, the PCA projection): each JVM reads a
 * location once through Hadoop's FileSystem (any scheme) and shares the parsed, read-only object.
 */
public final class FittedFiles {
    private FittedFiles() {}

    /** Parses a file's bytes; {@code source} names the file in errors. */
    public interface Parser<T> {
        T parse(InputStream in, String source) throws IOException;
    }

    private static final ConcurrentHashMap<String, Object> CACHE = new ConcurrentHashMap<>();

    /**
     * The object parsed from {@code location}, read once per JVM and type; an unreadable or bad file throws an
     * {@link java.io.UncheckedIOException} whose message starts with {@code key = location}.
     */
    public static <T> T read(String location, String key, Class<T> type, Parser<T> parser) {
        Object o = CACHE.computeIfAbsent(type.getName() + "\u0000" + location, k -> {
            try {
                Path path = new Path(location);
                FileSystem fs = path.getFileSystem(new Configuration());
                try (InputStream in = fs.open(path)) {
                    return parser.parse(in, location);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(key + " = " + location + ": " + e.getMessage(), e);
            }
        });
        return type.cast(o);
    }

    /** Writes the arrays' floats one after another (big-endian), as both fitted-file formats store them. */
    public static void writeFloats(DataOutputStream out, float[]... arrays) throws IOException {
        for (float[] a : arrays) {
            for (float f : a) {
                out.writeFloat(f);
            }
        }
    }

    /** Fills the arrays in order from {@code in}; an {@link java.io.EOFException} if the stream ends first. */
    public static void readFloats(DataInputStream in, float[]... arrays) throws IOException {
        for (float[] a : arrays) {
            for (int i = 0; i < a.length; i++) {
                a[i] = in.readFloat();
            }
        }
    }
}
