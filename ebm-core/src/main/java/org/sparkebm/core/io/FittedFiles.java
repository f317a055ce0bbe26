package org.sparkebm.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ConcurrentHashMap;

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
                org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
                org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(new org.apache.hadoop.conf.Configuration());
                try (InputStream in = fs.open(path)) {
                    return parser.parse(in, location);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(key + " = " + location + ": " + e.getMessage(), e);
            }
        });
        return type.cast(o);
    }

    /** Writes the arrays' floats one after another (big-endian), as both fitted-file formats store them. */
    public static void writeFloats(java.io.DataOutputStream out, float[]... arrays) throws IOException {
        for (float[] a : arrays) {
            for (float f : a) {
                out.writeFloat(f);
            }
        }
    }

    /** Fills the arrays in order from {@code in}; an {@link java.io.EOFException} if the stream ends first. */
    public static void readFloats(java.io.DataInputStream in, float[]... arrays) throws IOException {
        for (float[] a : arrays) {
            for (int i = 0; i < a.length; i++) {
                a[i] = in.readFloat();
            }
        }
    }
}
