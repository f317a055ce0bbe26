package org.sparkebm.core.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32;
import org.sparkebm.core.config.Keys;
import org.sparkebm.core.train.DriverCheckpoint;

/**
 * Bytes of checkpoint parts, their manifest, and the config check on resume. Storage (Hadoop paths, atomic
 * renames) is the job's; this class only encodes and validates, so it is shared by the Spark and local engines.
 *
 * <p>Parts are Java-serialised (DeviceState and DriverCheckpoint are plain records of arrays); each is framed by a
 * magic, a version and its CRC32 in the {@code _COMMITTED} manifest, which is written last: a checkpoint without a
 * manifest, or whose parts do not match it, is not valid.
 */
public final class CheckpointCodec {
    /**
     * Keys that may differ between a checkpoint and the config resuming from it: what does not change the rounds'
     * results (where the run directory is may change: a moved run resumes).
     */
    public static final Set<String> MAY_DIFFER = Set.of("run.rounds", "run.logEvery", "run.ifExists", "spark.master",
            "run.engine", "checkpoint.keep", "run.samples", "run.outputDir");
    public static final String MANIFEST = "_COMMITTED";
    private static final int VERSION = 1;

    private CheckpointCodec() {}

    public static byte[] encode(Object part) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeObject(part);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise checkpoint part", e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a part; {@code source} names it in errors. */
    public static <T> T decode(byte[] bytes, Class<T> type, String source) throws IOException {
        try (ObjectInputStream in = new Renaming(new ByteArrayInputStream(bytes))) {
            int v = in.readInt();
            if (v != VERSION) {
                throw new IOException(source + ": checkpoint version " + v + ", this build reads " + VERSION);
            }
            return type.cast(in.readObject());
        } catch (ClassNotFoundException | ClassCastException | ObjectStreamException e) {
            throw new IOException(source + ": not a readable checkpoint part (" + e + ")", e);
        }
    }

    public static long crc(byte[] bytes) {
        CRC32 c = new CRC32();
        c.update(bytes);
        return c.getValue();
    }

    /** The manifest text: one line per part, {@code name size crc32}. */
    public static String manifest(Map<String, byte[]> parts) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, byte[]> e : new TreeMap<>(parts).entrySet()) {
            sb.append(e.getKey()).append(' ').append(e.getValue().length).append(' ').append(crc(e.getValue())).append('\n');
        }
        return sb.toString();
    }

    /** Manifest entries: name → {size, crc}. */
    public static Map<String, long[]> parseManifest(String text, String source) throws IOException {
        Map<String, long[]> m = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" ");
            if (f.length != 3) {
                throw new IOException(source + ": malformed manifest line '" + line + "'");
            }
            try {
                m.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            } catch (NumberFormatException e) {
                throw new IOException(source + ": malformed manifest line '" + line + "'");
            }
        }
        return m;
    }

    /** Checks a part against its manifest entry. */
    public static void verify(String name, byte[] bytes, Map<String, long[]> manifest, String source) throws IOException {
        long[] e = manifest.get(name);
        if (e == null) {
            throw new IOException(source + ": " + name + " is not listed in the manifest");
        }
        if (e[0] != bytes.length || e[1] != crc(bytes)) {
            throw new IOException(source + ": " + name + " is corrupted (size/CRC " + bytes.length + "/" + crc(bytes)
                    + ", manifest says " + e[0] + "/" + e[1] + ")");
        }
    }

    /** Classes that moved since checkpoints were first written, old name → new name (same fields). */
    private static final Map<String, String> MOVED = Map.of("org.sparkebm.core." + "checkpoint.DriverCheckpoint",
            DriverCheckpoint.class.getName());

    /** Reads checkpoints written before a class moved: its stream names the old class. */
    private static final class Renaming extends ObjectInputStream {
        Renaming(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected ObjectStreamClass readClassDescriptor() throws IOException, ClassNotFoundException {
            ObjectStreamClass d = super.readClassDescriptor();
            String moved = MOVED.get(d.getName());
            return moved == null ? d : ObjectStreamClass.lookup(Class.forName(moved));
        }
    }

    /** Keys whose values differ between the checkpoint's config and the current one (excluding {@link #MAY_DIFFER}). */
    public static List<String> configDifferences(Map<String, String> checkpoint, Map<String, String> current) {
        checkpoint = Keys.canonical(checkpoint); // written before a key was renamed
        List<String> diffs = new ArrayList<>();
        Set<String> keys = new TreeSet<>(checkpoint.keySet());
        keys.addAll(current.keySet());
        for (String k : keys) {
            if (MAY_DIFFER.contains(k)) {
                continue;
            }
            String a = checkpoint.get(k);
            String b = current.get(k);
            if (a == null ? b != null : !a.equals(b)) {
                diffs.add(k + " (checkpoint: " + a + ", now: " + b + ")");
            }
        }
        return diffs;
    }

    /** File name of device p's state. */
    public static String deviceFile(int p) {
        return String.format("device-%05d.bin", p);
    }
}
