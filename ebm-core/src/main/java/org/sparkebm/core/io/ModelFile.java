package org.sparkebm.core.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.FeatureScaling;
import org.sparkebm.core.model.EnergyModel;

/**
 * A trained model: θ plus the full resolved config and sample shape, enough to rebuild the energy.
 * Format (big-endian): "SPARKEBM" magic, version, config entries (count, then UTF key/value pairs),
 * sample shape (rank, sizes), θ length and fp32 values; version 2 adds the feature map (column count and UTF names,
 * −1 for an unnamed vector; d, means, scales as fp32) and the training energies' quantiles (count, fp64 values).
 * Version 1 files still read (identity feature map, no quantiles).
 */
public final class ModelFile {
    private static final long MAGIC = 0x535041524b45424dL; // "SPARKEBM"
    private static final int VERSION = 2;

    /**
     * A loaded model file.
     *
     * @param scaling         raw features → model inputs (identity for images and synthetic data)
     * @param energyQuantiles the training data's energies at quantiles 0, 1/(n−1), …, 1 (ascending), or empty
     */
    public record Loaded(RunConfig config, int[] sampleShape, float[] theta,
                         FeatureScaling scaling, double[] energyQuantiles)
            implements Serializable {
        /** The energy model with θ set. */
        public EnergyModel model() {
            EnergyModel m = config.model().create(sampleShape, DataType.FLOAT);
            m.setParams(Nd4j.createFromArray(theta));
            return m;
        }
    }

    private ModelFile() {}

    public static void write(OutputStream os, RunConfig cfg, int[] sampleShape, float[] theta) throws IOException {
        int d = 1;
        for (int s : sampleShape) {
            d *= s;
        }
        write(os, cfg, sampleShape, theta, FeatureScaling.identity(null, d), new double[0]);
    }

    public static void write(OutputStream os, RunConfig cfg, int[] sampleShape, float[] theta,
                             FeatureScaling scaling, double[] energyQuantiles) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os));
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
        if (scaling.columns() == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(scaling.columns().size());
            for (String c : scaling.columns()) {
                out.writeUTF(c);
            }
        }
        out.writeInt(scaling.dim());
        for (int j = 0; j < scaling.dim(); j++) {
            out.writeFloat(scaling.mean()[j]);
        }
        for (int j = 0; j < scaling.dim(); j++) {
            out.writeFloat(scaling.scale()[j]);
        }
        out.writeInt(energyQuantiles.length);
        for (double q : energyQuantiles) {
            out.writeDouble(q);
        }
        out.flush();
    }

    /** Reads a model file; {@code source} names it in errors. */
    public static Loaded read(InputStream is, String source) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(is));
        try {
            if (in.readLong() != MAGIC) {
                throw new IOException(source + ": not a SparkEBM model file (bad magic)");
            }
            int v = in.readInt();
            if (v < 1 || v > VERSION) {
                throw new IOException(source + ": model file version " + v + ", this build reads 1 to " + VERSION);
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
            int d = 1;
            for (int s : shape) {
                d *= s;
            }
            FeatureScaling scaling = FeatureScaling.identity(null, d);
            double[] quantiles = new double[0];
            if (v >= 2) {
                int nc = in.readInt();
                List<String> cols = null;
                if (nc >= 0) {
                    cols = new ArrayList<>();
                    for (int i = 0; i < nc; i++) {
                        cols.add(in.readUTF());
                    }
                }
                int fd = in.readInt();
                if (fd != d) {
                    throw new IOException(source + ": feature map of " + fd + " features for samples of " + d);
                }
                float[] mean = new float[fd];
                float[] scale = new float[fd];
                for (int j = 0; j < fd; j++) {
                    mean[j] = in.readFloat();
                }
                for (int j = 0; j < fd; j++) {
                    scale[j] = in.readFloat();
                }
                scaling = new FeatureScaling(cols, mean, scale);
                quantiles = new double[in.readInt()];
                for (int i = 0; i < quantiles.length; i++) {
                    quantiles[i] = in.readDouble();
                }
            }
            RunConfig cfg = RunConfig.fromMap(conf, source);
            return new Loaded(cfg, shape, theta, scaling, quantiles);
        } catch (EOFException e) {
            throw new IOException(source + ": truncated model file", e);
        }
    }
}
