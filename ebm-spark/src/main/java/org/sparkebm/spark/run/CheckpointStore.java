package org.sparkebm.spark.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkebm.core.checkpoint.CheckpointCodec;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.train.DeviceState;
import org.sparkebm.core.train.DeviceStore;
import org.sparkebm.core.train.DriverCheckpoint;
import org.sparkebm.spark.io.HadoopFiles;

/**
 * Checkpoints of a run on any Hadoop path: {@code <run>/checkpoints/round-<t>/} holding {@code driver.bin}, one
 * {@code device-<p>.bin} per device (written by the device's own task) and the {@code _COMMITTED} manifest
 * (sizes and CRC32 of every part), written last. Every file is written atomically (temp name, then rename), so a
 * crash mid-write leaves either no manifest (the checkpoint is ignored) or a complete one. The newest
 * {@code checkpoint.keep} committed checkpoints are kept.
 */
public final class CheckpointStore {
    private static final String DRIVER = "driver.bin";
    private final Path root;

    public CheckpointStore(Path runDir) {
        this.root = new Path(runDir, "checkpoints");
    }

    public Path dir(int round) {
        return new Path(root, String.format("round-%08d", round));
    }

    /** The device files of checkpoint directory {@code dir}: each written and read by the device's own task. */
    public static DeviceStore devices(String dir) {
        return new DeviceFiles(dir);
    }

    /** {@link DeviceStore} over one checkpoint directory (a string, so it travels to executors). */
    private record DeviceFiles(String dir) implements DeviceStore {
        @Override
        public String[] write(int device, DeviceState state) throws IOException {
            return writeDevice(dir, device, state);
        }

        @Override
        public DeviceState read(int device) throws IOException {
            return readDevice(dir, device);
        }
    }

    /** Writes device p's state into the checkpoint directory (on the executor); returns its manifest line parts. */
    public static String[] writeDevice(String dir, int p, DeviceState state) throws IOException {
        byte[] bytes = CheckpointCodec.encode(state);
        String name = CheckpointCodec.deviceFile(p);
        HadoopFiles.writeAtomically(new Path(new Path(dir), name), bytes);
        return new String[] {name, Long.toString(bytes.length), Long.toString(CheckpointCodec.crc(bytes))};
    }

    /** Reads and verifies device p's state (on the executor). */
    public static DeviceState readDevice(String dir, int p) throws IOException {
        Path d = new Path(dir);
        String name = CheckpointCodec.deviceFile(p);
        byte[] bytes = readAll(new Path(d, name));
        Map<String, long[]> manifest = CheckpointCodec.parseManifest(
                new String(readAll(new Path(d, CheckpointCodec.MANIFEST)), StandardCharsets.UTF_8), d.toString());
        CheckpointCodec.verify(name, bytes, manifest, d.toString());
        return CheckpointCodec.decode(bytes, DeviceState.class, new Path(d, name).toString());
    }

    /**
     * Commits a checkpoint whose device files are written: writes driver.bin, then the manifest; prunes old ones.
     *
     * @param deviceParts manifest entries {name, size, crc} of the device files
     */
    public void commit(int round, DriverCheckpoint driver, List<String[]> deviceParts, int keep) throws IOException {
        Path d = dir(round);
        byte[] bytes = CheckpointCodec.encode(driver);
        HadoopFiles.writeAtomically(new Path(d, DRIVER), bytes);
        StringBuilder m = new StringBuilder();
        m.append(DRIVER).append(' ').append(bytes.length).append(' ').append(CheckpointCodec.crc(bytes)).append('\n');
        for (String[] e : deviceParts) {
            m.append(e[0]).append(' ').append(e[1]).append(' ').append(e[2]).append('\n');
        }
        HadoopFiles.writeAtomically(new Path(d, CheckpointCodec.MANIFEST), m.toString().getBytes(StandardCharsets.UTF_8));
        prune(keep);
    }

    private void prune(int keep) throws IOException {
        List<Path> committed = new ArrayList<>();
        for (Path p : roundDirs()) {
            if (fs().exists(new Path(p, CheckpointCodec.MANIFEST))) {
                committed.add(p);
            }
        }
        for (int i = keep; i < committed.size(); i++) {
            fs().delete(committed.get(i), true);
        }
    }

    private FileSystem fs() throws IOException {
        return HadoopFiles.fs(root);
    }

    /** Round directories, newest first. */
    private List<Path> roundDirs() throws IOException {
        List<Path> dirs = new ArrayList<>();
        if (!fs().exists(root)) {
            return dirs;
        }
        for (FileStatus st : fs().listStatus(root)) {
            if (st.isDirectory() && st.getPath().getName().startsWith("round-")) {
                dirs.add(st.getPath());
            }
        }
        dirs.sort(Comparator.comparing((Path p) -> p.getName()).reversed());
        return dirs;
    }

    /** A loaded driver checkpoint and where its device files are. */
    public record Found(DriverCheckpoint driver, String dir) {}

    /**
     * The newest valid checkpoint: manifest present, driver part intact, every device file present with the listed
     * size, and a config that matches {@code config} (else a {@link ConfigException} naming the differing keys; null:
     * any config, for readers of finished runs).
     * Invalid ones are reported on stderr and skipped. Returns null when there is none.
     */
    public Found newestValid(Map<String, String> config) throws IOException {
        for (Path d : roundDirs()) {
            Found f = validated(d, config);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** Every valid checkpoint of a finished run, oldest first (invalid ones reported on stderr and skipped). */
    public List<Found> allValid() throws IOException {
        List<Found> all = new ArrayList<>();
        for (Path d : roundDirs()) {
            Found f = validated(d, null);
            if (f != null) {
                all.add(0, f);
            }
        }
        return all;
    }

    private Found validated(Path d, Map<String, String> config) throws IOException {
        try {
            Path man = new Path(d, CheckpointCodec.MANIFEST);
            if (!fs().exists(man)) {
                System.err.println("sparkebm: ignoring uncommitted checkpoint " + d);
                return null;
            }
            Map<String, long[]> manifest = CheckpointCodec.parseManifest(
                    new String(readAll(man), StandardCharsets.UTF_8), d.toString());
            byte[] bytes = readAll(new Path(d, DRIVER));
            CheckpointCodec.verify(DRIVER, bytes, manifest, d.toString());
            DriverCheckpoint c = CheckpointCodec.decode(bytes, DriverCheckpoint.class, new Path(d, DRIVER).toString());
            for (int p = 0; p < c.devices(); p++) {
                String name = CheckpointCodec.deviceFile(p);
                Path f = new Path(d, name);
                long[] e = manifest.get(name);
                if (e == null || !fs().exists(f) || fs().getFileStatus(f).getLen() != e[0]) {
                    throw new IOException(d + ": " + name + " is missing or truncated");
                }
                if (crcOf(f) != e[1]) {
                    throw new IOException(d + ": " + name + " is corrupted (CRC32 differs from the manifest)");
                }
            }
            List<String> diffs = config == null ? List.of() : CheckpointCodec.configDifferences(c.config(), config);
            if (!diffs.isEmpty()) {
                throw new ConfigException("checkpoint " + d + " was written by a different config; differing keys: "
                        + String.join(", ", diffs));
            }
            return new Found(c, d.toString());
        } catch (IOException e) {
            System.err.println("sparkebm: ignoring invalid checkpoint: " + e.getMessage());
            return null;
        }
    }

    /** CRC32 of a file, streamed (bytes only, nothing deserialised on the driver). */
    private static long crcOf(Path p) throws IOException {
        CRC32 c = new CRC32();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = HadoopFiles.fs(p).open(p)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                c.update(buf, 0, n);
            }
        } catch (ChecksumException e) {
            throw new IOException(p + " is corrupted (the file system's checksum failed: " + e.getMessage() + ")", e);
        }
        return c.getValue();
    }

    private static byte[] readAll(Path p) throws IOException {
        try (InputStream in = HadoopFiles.fs(p).open(p)) {
            return in.readAllBytes();
        }
    }

    /** Reads every device file at the driver (sampling and export commands). */
    public static List<DeviceState> readDevices(String dir, int devices) throws IOException {
        List<DeviceState> out = new ArrayList<>();
        for (int p = 0; p < devices; p++) {
            out.add(readDevice(dir, p));
        }
        return out;
    }
}
