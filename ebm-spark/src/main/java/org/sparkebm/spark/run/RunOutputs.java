package org.sparkebm.spark.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.sparkebm.core.config.Method;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.DataSource;
import org.sparkebm.core.data.FeatureScaling;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.io.ModelFile;
import org.sparkebm.core.model.ConvEnergy;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.model.GaussianMixtureEnergy;
import org.sparkebm.core.train.ParameterServer;
import org.sparkebm.core.train.RoundSummary;
import org.sparkebm.spark.io.HadoopFiles;
import org.sparkebm.spark.plot.Plots;

/**
 * The files of a run directory, each written atomically: {@code manifest.json}, {@code metrics.csv},
 * {@code summary.json}, {@code model.bin}, {@code samples.png} and {@code curves.png}.
 */
public final class RunOutputs {
    public static final String CSV_HEADER = RoundMetrics.csvHeader();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public RunOutputs(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return new Path(dir, name);
    }

    /**
     * What is wrong with a finished run's outputs, or null when {@code model.bin} and {@code summary.json} read back
     * whole.
     */
    public String damage() {
        try (java.io.InputStream in = HadoopFiles.open(file("model.bin").toString())) {
            ModelFile.read(in, file("model.bin").toString());
        } catch (IOException | RuntimeException e) {
            return "its model.bin is unreadable (" + e.getMessage() + ")";
        }
        try (java.io.InputStream in = HadoopFiles.open(file("summary.json").toString())) {
            JSON.readTree(in);
        } catch (IOException | RuntimeException e) {
            return "its summary.json is unreadable (" + e.getMessage() + ")";
        }
        return null;
    }

    /** Resolved config, seed, versions and git revision. */
    public void writeManifest(RunConfig cfg, String master, int[] sampleShape, long numParams,
                              CheckpointStore.Found resumedFrom) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        if (resumedFrom != null) {
            m.put("resumed_from", resumedFrom.dir());
            m.put("resumed_at_round", resumedFrom.driver().nextRound());
        }
        m.put("run", cfg.name());
        m.put("seed", cfg.seed());
        m.put("started", Instant.now().toString());
        m.put("git_revision", gitRevision());
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("sparkebm", String.valueOf(RunOutputs.class.getPackage().getImplementationVersion()));
        versions.put("java", System.getProperty("java.version"));
        versions.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
        versions.put("nd4j", mavenVersion("org.nd4j", "nd4j-api"));
        m.put("versions", versions);
        // the conv energy's kernels in the driver's JVM (executors started with the same flags use the same ones)
        m.put("conv_kernels", ConvEnergy.kernelsInUse());
        m.put("spark_master", master);
        m.put("sample_shape", sampleShape);
        m.put("num_params", numParams);
        m.put("config", cfg.resolved());
        HadoopFiles.writeAtomically(file("manifest.json"), JSON.writeValueAsBytes(m));
    }

    /** The version a dependency's jar records in its Maven metadata, or {@code unknown}. */
    static String mavenVersion(String group, String artifact) {
        String res = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (java.io.InputStream in = RunOutputs.class.getResourceAsStream(res)) {
            if (in == null) {
                return "unknown";
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The git revision: {@code -Dsparkebm.gitRevision} (set by the submit scripts), else {@code unknown}. */
    static String gitRevision() {
        String g = System.getProperty("sparkebm.gitRevision");
        return g == null || g.isBlank() ? "unknown" : g;
    }

    /** {@code metrics.csv}: one row per round, the columns of {@link RoundMetrics}. */
    public void writeMetrics(List<RoundMetrics.Row> rows) throws IOException {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (RoundMetrics.Row r : rows) {
            sb.append(RoundMetrics.csvRow(r)).append('\n');
        }
        HadoopFiles.writeAtomically(file("metrics.csv"), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Final figures; for mixture energies the learned mode weights and means. */
    /**
     * @param roundsRun rounds this process ran (a resumed run counts only its own), for {@code rounds_per_second}
     */
    public Map<String, Object> writeSummary(RunConfig cfg, List<RoundMetrics.Row> rows, int roundsRun, double seconds,
                                            EnergyModel model, Shard data, int executors,
                                            List<Map<String, Object>> rollbacks, double lrMultiplier,
                                            String stopReason) throws IOException {
        List<RoundSummary> history = rows.stream().map(RoundMetrics.Row::s).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", cfg.name());
        m.put("executors", executors);
        m.put("rounds", history.size());
        m.put("devices", cfg.devices());
        List<Integer> perRound = new ArrayList<>();
        long enc = 0;
        long dense = 0;
        long moved = 0;
        for (RoundMetrics.Row r : rows) {
            perRound.add(r.s().devices().size());
            enc += r.s().encodedBytes();
            dense += r.s().denseBytes();
            moved += Math.max(0, r.sparkBytes());
        }
        m.put("participating_devices_per_round", perRound);
        m.put("rollbacks", rollbacks);
        if (stopReason != null) {
            m.put("stopped_early", stopReason);
        }
        if (cfg.privacy().enabled()) {
            Map<String, Object> pr = new LinkedHashMap<>();
            pr.put("epsilon", history.isEmpty() ? 0.0 : history.get(history.size() - 1).epsilon());
            pr.put("delta", cfg.privacy().delta());
            pr.put("noise_multiplier", cfg.privacy().noise());
            pr.put("clip", cfg.privacy().clip());
            pr.put("noise_at", cfg.privacy().where().toString());
            pr.put("sampling_rate", ParameterServer.samplingRate(cfg));
            pr.put("rounds", history.size());
            pr.put("accountant", "RDP of the Poisson-subsampled Gaussian mechanism, integer orders 2..256,"
                    + " adjacency: one device's data added or removed");
            m.put("privacy", pr);
        }
        m.put("final_lr_multiplier", lrMultiplier);
        m.put("compressor", cfg.step().compressor().describe());
        m.put("encoded_bytes_up", enc);
        m.put("dense_fp32_bytes_up", dense);
        m.put("compression_ratio", enc == 0 ? null : (double) dense / enc);
        m.put("spark_result_bytes", moved);
        m.put("seconds", seconds);
        m.put("rounds_per_second", roundsRun / seconds);
        Map<String, Object> fin = RoundMetrics.finalValues(rows.get(rows.size() - 1));
        if (cfg.method() == Method.JARZYNSKI) {
            long resamplings = history.stream().filter(RoundSummary::resampleNext).count();
            m.put("resamplings", resamplings);
        }
        m.put("final", fin);
        m.put("method", cfg.method().toString());
        if (model instanceof GaussianMixtureEnergy g) {
            m.put("mode_weights", g.modeWeights());
            m.put("means", g.meanVectors());
            m.put("mode_weights_order", "component k of the mixture energy: weight mode_weights[k], learned mean"
                    + " means[k] (components are not tied to the data's modes; read each weight with its mean)");
        } else if (model.inputDim() == 2 && cfg.data().source() == DataSource.GMM) {
            m.put("mode_weights", gridModeWeights(model, data, cfg.data().means()));
            m.put("mode_weights_method", "exp(-E) integrated on a 300x300 grid, each cell assigned to the nearest data.means"
                    + " point; in the order of data.means");
            m.put("true_mode_weights", normalised(cfg.data().weights()));
        }
        HadoopFiles.writeAtomically(file("summary.json"), JSON.writeValueAsBytes(m));
        return m;
    }

    /** The mass of exp(−E) nearest each of {@code means} (read), on a 300×300 grid over the data's range. */
    public static double[] gridModeWeights(EnergyModel m, Shard data, double[][] means) {
        int n = 300;
        double[] b = Plots.bounds(data);
        double[] p = Plots.gridDensity(m, b, n);
        double[] w = new double[means.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double x = b[0] + (b[1] - b[0]) * (i + 0.5) / n;
                double y = b[2] + (b[3] - b[2]) * (j + 0.5) / n;
                int best = 0;
                double bd = Double.MAX_VALUE;
                for (int k = 0; k < means.length; k++) {
                    double dd = (x - means[k][0]) * (x - means[k][0]) + (y - means[k][1]) * (y - means[k][1]);
                    if (dd < bd) {
                        bd = dd;
                        best = k;
                    }
                }
                w[best] += p[i * n + j];
            }
        }
        return w;
    }

    /** {@code w} (read) divided by its sum. */
    public static double[] normalised(double[] w) {
        double s = Arrays.stream(w).sum();
        return Arrays.stream(w).map(v -> v / s).toArray();
    }

    public void writeModel(RunConfig cfg, int[] sampleShape, float[] theta,
                           FeatureScaling scaling, double[] energyQuantiles) throws IOException {
        HadoopFiles.writeAtomically(file("model.bin"),
                out -> ModelFile.write(out, cfg, sampleShape, theta, scaling, energyQuantiles));
    }

    public void writePng(String name, byte[] png) throws IOException {
        HadoopFiles.writeAtomically(file(name), png);
    }
}
