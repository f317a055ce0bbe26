package org.sparkebm.spark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.Method;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.IdxReader;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.train.DeviceState;
import org.sparkebm.core.train.JarzynskiState;
import org.sparkebm.core.train.JarzynskiStep;
import org.sparkebm.core.util.LogSpace;
import org.sparkebm.core.util.NdArrays;
import org.sparkebm.spark.io.HadoopFiles;
import org.sparkebm.spark.plot.Plots;
import org.sparkebm.spark.run.CheckpointStore;

/**
 * {@code walkers <run dir> <outDir> [round=<t>]}: the walkers of a Jarzynski run's checkpoint (the newest, or the one
 * that continues at round t) with their weights, as files: {@code walkers.parquet} (device, walker, log-weight,
 * normalised weight, the walker's coordinates and, for images, its pixels), for images also
 * {@code walkers-idx3-ubyte} (reconstructed through {@code data.projection} when the run trained on principal
 * coordinates) with {@code weights.npy} and {@code log_weights.npy} in the same order, and {@code walkers.json}
 * (ESS, walkers, round).
 *
 * <p>A checkpoint holds each walker after its last Langevin move but its log-weight A before that move: the move's
 * increment α_t(X, X') − α_{t+1}(X', X) needs U and ∇U under the next θ, which a device computes at the start of its
 * next round. The export completes it with the checkpoint's θ (the θ the next round would use), so the weights
 * written belong to the positions written: they are what the next round starts from.
 */
public final class ExportWalkers {
    static final String USAGE = "usage: ExportWalkers <run dir> <outDir> [round=<checkpoint round, default the newest>]";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ExportWalkers() {}

    public static void main(String[] args) {
        System.exit(run(args).code);
    }

    public static ExitCode run(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("round", null);
        return Commands.run("walkers", USAGE, args, 2, options, a -> Commands.requireAbsent(a.arg(1)),
                ExportWalkers::export);
    }

    /**
     * The walkers of one checkpoint, in device order, with log-weights consistent with their positions.
     *
     * @param x      walker coordinates, row-major ({@code n × dim})
     * @param device each walker's device
     * @param logW   each walker's log-weight A (unnormalised)
     * @param round  the round the checkpoint continues at
     */
    public record Walkers(float[] x, int n, int dim, int[] device, double[] logW, int round) {
        /** Normalised weights exp(A_i − log Σ_j exp A_j). */
        public double[] weights() {
            double lse = LogSpace.logSumExp(logW);
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = Math.exp(logW[i] - lse);
            }
            return w;
        }

        /** Effective sample size 1 / Σ w_i². */
        public double ess() {
            return ess(weights());
        }

        /** 1 / Σ w_i² of normalised weights {@code w} (read). */
        static double ess(double[] w) {
            double s = 0;
            for (double x : w) {
                s += x * x;
            }
            return 1 / s;
        }
    }

    /**
     * Reads every device's walkers from checkpoint {@code f} of a run trained with {@code cfg} on samples of shape
     * {@code sampleShape}, completing each walker's pending weight increment with the checkpoint's θ.
     */
    public static Walkers read(RunConfig cfg, int[] sampleShape, CheckpointStore.Found f) throws IOException {
        EnergyModel model = cfg.model().create(sampleShape, DataType.FLOAT);
        float[] theta = f.driver().theta();
        model.setParams(NdArrays.of(theta, theta.length));
        double h = cfg.step().sampler().stepSize();
        List<float[]> xs = new ArrayList<>();
        List<double[]> ws = new ArrayList<>();
        int n = 0;
        int dim = 0;
        try {
            for (int p = 0; p < f.driver().devices(); p++) {
                DeviceState s = CheckpointStore.readDevice(f.dir(), p);
                JarzynskiState js = s.jarzynski();
                int m = s.buffer().size();
                dim = s.buffer().dim();
                float[] x = s.buffer().samples();
                double[] logW = js.logW().clone();
                if (js.hasPending()) {
                    // the same arithmetic as the start of the device's next round (JarzynskiStep.run)
                    INDArray xa = NdArrays.of(x, m, dim).castTo(model.dataType());
                    INDArray g = Nd4j.createUninitialized(model.dataType(), m, dim);
                    INDArray e = model.energyAndInputGradient(xa, g);
                    JarzynskiStep.complete(logW, js.pending(), NdArrays.of(js.lastMove(), m, dim)
                            .castTo(model.dataType()), e, g, h);
                }
                xs.add(x);
                ws.add(logW);
                n += m;
            }
        } finally {
            model.release();
        }
        float[] x = new float[n * dim];
        int[] device = new int[n];
        double[] logW = new double[n];
        int k = 0;
        for (int p = 0; p < xs.size(); p++) {
            int m = ws.get(p).length;
            System.arraycopy(xs.get(p), 0, x, k * dim, m * dim);
            System.arraycopy(ws.get(p), 0, logW, k, m);
            java.util.Arrays.fill(device, k, k + m, p);
            k += m;
        }
        return new Walkers(x, n, dim, device, logW, f.driver().nextRound());
    }

    private static void export(SparkSession spark, CommandArgs a) throws IOException {
        Path run = HadoopFiles.path(a.arg(0));
        List<CheckpointStore.Found> all = new CheckpointStore(run).allValid();
        if (all.isEmpty()) {
            throw new DataException(a.arg(0) + ": holds no valid checkpoint (is it a run directory?)");
        }
        CheckpointStore.Found f = all.get(all.size() - 1);
        if (a.get("round") != null) {
            int r = a.integer("round", 0);
            f = all.stream().filter(c -> c.driver().nextRound() == r).findFirst().orElseThrow(() -> new ConfigException(
                    "round=" + r + ": " + a.arg(0) + " keeps checkpoints at rounds "
                            + all.stream().map(c -> c.driver().nextRound()).toList()));
        }
        RunConfig cfg = RunConfig.fromMap(f.driver().config(), f.dir());
        if (cfg.method() != Method.JARZYNSKI) {
            throw new ConfigException(a.arg(0) + " trained with train.method = " + cfg.method() + ": its chains carry"
                    + " no weights (sample " + a.arg(0) + " <out> init=buffer steps=0 writes them)");
        }
        int[] shape = sampleShape(new Path(run, "manifest.json"));
        Walkers w = read(cfg, shape, f);
        double[] weights = w.weights();
        double ess = Walkers.ess(weights);
        Plots.Shown img = Plots.images(cfg, shape, w.x(), w.n());
        Path out = HadoopFiles.path(a.arg(1));
        StructType schema = new StructType().add("device", DataTypes.IntegerType, false)
                .add("walker", DataTypes.IntegerType, false).add("log_weight", DataTypes.DoubleType, false)
                .add("weight", DataTypes.DoubleType, false)
                .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        if (img != null) {
            schema = schema.add("image", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        }
        List<Row> rows = new ArrayList<>(w.n());
        int px = img == null ? 0 : img.c() * img.h() * img.w();
        for (int i = 0; i < w.n(); i++) {
            Float[] xi = new Float[w.dim()];
            for (int j = 0; j < w.dim(); j++) {
                xi[j] = w.x()[i * w.dim() + j];
            }
            if (img == null) {
                rows.add(RowFactory.create(w.device()[i], i, w.logW()[i], weights[i], xi));
            } else {
                Float[] pi = new Float[px];
                for (int j = 0; j < px; j++) {
                    pi[j] = img.pixels()[i * px + j];
                }
                rows.add(RowFactory.create(w.device()[i], i, w.logW()[i], weights[i], xi, pi));
            }
        }
        HadoopFiles.writeFrame(spark.createDataFrame(rows, schema).coalesce(1),
                new Path(out, "walkers.parquet").toString(), "parquet");
        if (img != null) {
            if (img.c() == 1) { // IDX image files are grey
                HadoopFiles.writeAtomically(new Path(out, "walkers-idx3-ubyte"),
                        o -> IdxReader.writeImages(o, img.pixels(), w.n(), img.h(), img.w()));
            }
            HadoopFiles.writeAtomically(new Path(out, "weights.npy"), o -> writeNpy(o, weights));
            HadoopFiles.writeAtomically(new Path(out, "log_weights.npy"), o -> writeNpy(o, w.logW()));
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("run", a.arg(0));
        s.put("checkpoint", f.dir());
        s.put("round", w.round());
        s.put("walkers", w.n());
        s.put("devices", f.driver().devices());
        s.put("ess", ess);
        s.put("ess_fraction", ess / w.n());
        s.put("weights", "log_weight: each walker's A with its last move's increment completed under the checkpoint's θ;"
                + " weight: exp(A - log sum exp A) over all walkers of all devices");
        HadoopFiles.writeAtomically(new Path(out, "walkers.json"), JSON.writeValueAsBytes(s));
        System.out.printf(Locale.ROOT, "sparkebm walkers: %d walkers of round %d, ESS %.1f (%.3f of them) → %s%n", w.n(),
                w.round(), ess, ess / w.n(), out);
    }

    /** The sample shape the run recorded in its manifest. */
    private static int[] sampleShape(Path manifest) throws IOException {
        if (!HadoopFiles.exists(manifest)) {
            throw new DataException(manifest + ": missing (the run's sample shape is read from it)");
        }
        try (InputStream in = HadoopFiles.open(manifest.toString())) {
            JsonNode shape = new ObjectMapper().readTree(in).get("sample_shape");
            if (shape == null || !shape.isArray()) {
                throw new DataException(manifest + ": has no sample_shape");
            }
            int[] s = new int[shape.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = shape.get(i).asInt();
            }
            return s;
        }
    }

    /** A one-dimensional float64 NumPy array (.npy format version 1.0). */
    static void writeNpy(OutputStream os, double[] v) throws IOException {
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + v.length + ",), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        DataOutputStream out = new DataOutputStream(os);
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        out.write(h.length & 0xff);
        out.write(h.length >> 8);
        out.write(h);
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putDouble(x);
        }
        out.write(b.array());
        out.flush();
    }
}
