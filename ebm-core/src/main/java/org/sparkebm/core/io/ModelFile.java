package org.sparkebm.core.io;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.model.EnergyModel;

/**
 * A trained model: θ plus the full resolved config and sample shape, enough to rebuild the energy.
 * Format (big-endian): "SPARKEBM" magic, version 1, config entries (count, then UTF key/value pairs),
 * sample shape (rank, sizes), θ length and fp32 values.
 */
public final class ModelFile {
    private static final long MAGIC = 0x535041524b45424dL; // "SPARKEBM"
    private static final int VERSION = 1;

    /** A loaded model file. */
    public record Loaded(RunConfig config, int[] sampleShape, float[] theta) {
        /** The energy model with θ set. */
        public EnergyModel model() {
            EnergyModel m = config.model().create(sampleShape, DataType.FLOAT);
            m.setParams(Nd4j.createFromArray(theta));
            return m;
        }
    }

    private ModelFile() {}

    public static void write(OutputStream os, RunConfig cfg, int[] sampleShape, float[] theta) throws IOException {
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os));
        out.writeLong(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(cfg.resolved().size());
        for (Map.Entry<String, String> e : cfg.resolved().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        out.writeInt(sampleShape.length);
        for (int s : sampleShape) {
            out.writeInt(s);
        }
        out.writeInt(theta.length);
        for (float f : theta) {
            out.writeFloat(f);
        }
        out.flush();
    }

    /** Reads a model file; {@code source} names it in errors. */
    public static Loaded read(InputStream is, String source) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(is));
        try {
            if (in.readLong() != MAGIC) {
                throw new IOException(source + ": not a SparkEBM model file (bad magic)");
            }
            int v = in.readInt();
            if (v != VERSION) {
                throw new IOException(source + ": model file version " + v + ", this build reads " + VERSION);
            }
            int n = in.readInt();
            Map<String, String> conf = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                conf.put(in.readUTF(), in.readUTF());
            }
            int[] shape = new int[in.readInt()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readInt();
            }
            float[] theta = new float[in.readInt()];
            for (int i = 0; i < theta.length; i++) {
                theta[i] = in.readFloat();
            }
            RunConfig cfg = RunConfig.fromMap(conf, source);
            return new Loaded(cfg, shape, theta);
        } catch (java.io.EOFException e) {
            throw new IOException(source + ": truncated model file", e);
        }
    }
}
