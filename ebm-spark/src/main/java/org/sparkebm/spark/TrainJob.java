package org.sparkebm.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.Dataset;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.train.DeviceState;
import org.sparkebm.core.train.LocalTrainer;
import org.sparkebm.core.train.RoundSummary;

/**
 * {@code TrainJob <config.properties> [key=value ...]}: trains an EBM on Spark and writes a run directory.
 *
 * <p>Everything is validated before Spark starts (config keys and ranges, the data, the model against the data
 * shape, the run directory), and each failure maps to a documented exit code ({@link ExitCode}).
 */
public final class TrainJob {
    private TrainJob() {}

    public static void main(String[] args) {
        System.exit(run(args).code);
    }

    /** Runs the job and returns its exit code (never calls System.exit, so tests can call it). */
    public static ExitCode run(String[] args) {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println("usage: TrainJob <config.properties> [key=value ...]");
            return ExitCode.BAD_CONFIG;
        }
        RunConfig cfg;
        Dataset data;
        try {
            cfg = RunConfig.load(Path.of(args[0]), Arrays.asList(args).subList(1, args.length));
            data = ShardLoader.loadAll(cfg);
            EnergyModel probe = cfg.initialModel(data.sampleShape());
            if (probe.inputDim() != data.dim()) {
                throw new ConfigException("model expects " + probe.inputDim() + " features, data has " + data.dim());
            }
        } catch (ConfigException e) {
            System.err.println("sparkebm: bad config: " + e.getMessage());
            return ExitCode.BAD_CONFIG;
        } catch (DataException e) {
            System.err.println("sparkebm: bad data: " + e.getMessage());
            return ExitCode.BAD_DATA;
        }
        RunOutputs outputs;
        try {
            outputs = new RunOutputs(prepareRunDir(cfg));
        } catch (ConfigException e) {
            System.err.println("sparkebm: " + e.getMessage());
            return ExitCode.BAD_CONFIG;
        } catch (IOException e) {
            System.err.println("sparkebm: cannot create the run directory: " + e.getMessage());
            return ExitCode.INFRASTRUCTURE;
        }
        try {
            train(cfg, data, outputs);
            return ExitCode.OK;
        } catch (DivergedException e) {
            System.err.println("sparkebm: training diverged: " + e.getMessage());
            return ExitCode.DIVERGED;
        } catch (Exception e) {
            System.err.println("sparkebm: run failed: " + e);
            e.printStackTrace();
            return ExitCode.INFRASTRUCTURE;
        }
    }

    /** outputDir/name; an existing directory is never overwritten: fail, or (ifExists=new) name-2, name-3, … */
    static org.apache.hadoop.fs.Path prepareRunDir(RunConfig cfg) throws IOException {
        org.apache.hadoop.fs.Path parent = HadoopFiles.path(cfg.outputDir());
        FileSystem fs = HadoopFiles.fs(parent);
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(parent, cfg.name());
        if (fs.exists(dir)) {
            if (cfg.ifExists().equals("fail")) {
                throw new ConfigException("run directory " + dir + " already exists; nothing was changed. Choose another"
                        + " run.name, or set run.ifExists=new to write to a new numbered directory");
            }
            for (int i = 2; fs.exists(dir); i++) {
                dir = new org.apache.hadoop.fs.Path(parent, cfg.name() + "-" + i);
            }
        }
        // mkdirs of a fresh directory: a concurrent run that created it first makes this one fail below
        if (!fs.mkdirs(dir) || fs.listStatus(dir).length != 0) {
            throw new IOException("cannot create an empty run directory " + dir);
        }
        return dir;
    }

    static void train(RunConfig cfg, Dataset data, RunOutputs outputs) throws IOException {
        int[] shape = data.sampleShape();
        EnergyModel model = cfg.model().create(shape, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        if (cfg.engine().equals("local")) {
            LocalTrainer trainer = new LocalTrainer(cfg, data);
            outputs.writeManifest(cfg, "local engine (no Spark)", shape, model.numParams());
            System.out.printf(Locale.ROOT, "sparkebm: run %s → %s (%d devices folded locally, %d params)%n", cfg.name(),
                    outputs.dir(), cfg.devices(), model.numParams());
            train(cfg, data, outputs, model, trainer::run, trainer.driver(), trainer::history, trainer::states,
                    null, 1);
            return;
        }
        SparkConf conf = new SparkConf().setAppName("SparkEBM " + cfg.name())
                .setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1")
                .setIfMissing("spark.ui.showConsoleProgress", "false");
        if (!conf.contains("spark.master")) {
            conf.setMaster(cfg.sparkMaster() == null ? "local[*]" : cfg.sparkMaster());
        }
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ResultSizeListener sizes = new ResultSizeListener();
        sc.sc().addSparkListener(sizes);
        SparkTrainer trainer = new SparkTrainer(sc, cfg, shape, outputs.file("spark-checkpoints").toString());
        try {
            outputs.writeManifest(cfg, sc.master(), shape, model.numParams());
            System.out.printf(Locale.ROOT, "sparkebm: run %s → %s (%d devices, %d params, master %s)%n", cfg.name(),
                    outputs.dir(), cfg.devices(), model.numParams(), sc.master());
            train(cfg, data, outputs, model, trainer::run, trainer.driver(), trainer::history, trainer::collectStates,
                    sizes, executorCount(sc));
        } finally {
            trainer.close();
            spark.stop();
        }
    }

    /** Runs rounds on either engine. */
    @FunctionalInterface
    interface Rounds {
        void run(int rounds, java.util.function.Consumer<RoundSummary> onRound);
    }

    private static void train(RunConfig cfg, Dataset data, RunOutputs outputs, EnergyModel model, Rounds rounds,
                              org.sparkebm.core.train.RoundDriver driver,
                              java.util.function.Supplier<List<RoundSummary>> historyOf,
                              java.util.function.Supplier<List<DeviceState>> statesOf, ResultSizeListener sizes,
                              int executors) throws IOException {
        int[] shape = data.sampleShape();
        double[] roundSeconds = new double[cfg.rounds()];
        long start = System.nanoTime();
        long[] last = {start};
        rounds.run(cfg.rounds(), s -> {
            long now = System.nanoTime();
            roundSeconds[s.round()] = (now - last[0]) / 1e9;
            last[0] = now;
            checkFinite(s);
            if ((s.round() + 1) % cfg.logEvery() == 0 || s.round() == cfg.rounds() - 1) {
                progress(cfg, s, (now - start) / 1e9);
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        float[] theta = driver.theta();
        for (float f : theta) {
            if (!Float.isFinite(f)) {
                throw new DivergedException("θ has non-finite entries after " + cfg.rounds() + " rounds");
            }
        }
        model.setParams(Nd4j.createFromArray(theta));
        List<DeviceState> states = statesOf.get();
        List<RoundSummary> history = historyOf.get();
        long[] sparkBytes = new long[history.size()];
        for (int i = 0; i < sparkBytes.length; i++) {
            sparkBytes[i] = sizes == null ? -1 : sizes.bytes(i);
        }
        outputs.writeMetrics(history, sparkBytes, roundSeconds);
        outputs.writeModel(cfg, shape, theta);
        writeSamples(cfg, outputs, model, states, data);
        Map<String, Object> summary = outputs.writeSummary(cfg, history, sparkBytes, seconds, model, data, executors);
        System.out.printf(Locale.ROOT, "sparkebm: done in %.1f s (%.2f rounds/s); bytes up %s encoded vs %s dense fp32%s%n",
                seconds, cfg.rounds() / seconds, human((long) summary.get("encoded_bytes_up")),
                human((long) summary.get("dense_fp32_bytes_up")),
                summary.containsKey("mode_weights") ? "; mode weights " + Arrays.toString((double[]) summary.get("mode_weights")) : "");
        System.out.println("sparkebm: results in " + outputs.dir() + " (summary.json, metrics.csv, samples.png, model.bin, manifest.json)");
    }

    /** Executors that ran the job (the driver is not counted, except in local mode where it is the executor). */
    static int executorCount(JavaSparkContext sc) {
        int n = sc.sc().statusTracker().getExecutorInfos().length;
        return sc.isLocal() ? n : n - 1;
    }

    private static void checkFinite(RoundSummary s) {
        if (!Double.isFinite(s.energyPos()) || !Double.isFinite(s.energyNeg()) || !Double.isFinite(s.gradNorm())
                || !Double.isFinite(s.updateNorm())) {
            throw new DivergedException("round " + s.round() + ": non-finite energies or gradients (E+ " + s.energyPos()
                    + ", E- " + s.energyNeg() + ", |g| " + s.gradNorm() + "); lower optimizer.lr or sampler.stepSize,"
                    + " or raise train.l2");
        }
    }

    private static void progress(RunConfig cfg, RoundSummary s, double elapsed) {
        int done = s.round() + 1;
        double rate = done / elapsed;
        double eta = (cfg.rounds() - done) / rate;
        String extra = "";
        if (!Double.isNaN(s.ess())) {
            extra += String.format(Locale.ROOT, " | ESS %.0f log Z %.3f CE %.4f", s.ess(), s.logZ(), s.crossEntropy());
        }
        if (s.modeWeights() != null) {
            extra += " | weights " + Arrays.toString(Arrays.stream(s.modeWeights())
                    .mapToObj(w -> String.format(Locale.ROOT, "%.4f", w)).toArray());
        }
        System.out.printf(Locale.ROOT, "[round %d/%d] %.2f rounds/s, ETA %s | E+ %.4f E- %.4f loss %.4f |g| %.4f | up %s/round (dense %s) | devices %d/%d%s%n",
                done, cfg.rounds(), rate, duration(eta), s.energyPos(), s.energyNeg(), s.loss(), s.gradNorm(),
                human(s.encodedBytes()), human(s.denseBytes()), s.devices().size(), cfg.devices(), extra);
    }

    static String duration(double sec) {
        long s = Math.round(sec);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1 << 20) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    private static void writeSamples(RunConfig cfg, RunOutputs outputs, EnergyModel model, List<DeviceState> states,
                                     Dataset data) throws IOException {
        int d = data.dim();
        int want = cfg.samples();
        float[] chains = new float[want * d];
        int n = 0;
        // take chains round-robin over devices so every device is represented
        for (int k = 0; n < want; k++) {
            boolean any = false;
            for (DeviceState st : states) {
                if (k < st.buffer().size() && n < want) {
                    System.arraycopy(st.buffer().samples(), k * d, chains, n * d, d);
                    n++;
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        int[] shape = data.sampleShape();
        if (shape.length == 3 && shape[0] == 1) {
            outputs.writePng("samples.png", Plots.imageGrid(chains, n, shape[1], shape[2]));
        } else if (d == 2) {
            outputs.writePng("samples.png", Plots.density2d(model, Plots.bounds(data), chains, n));
        }
    }
}
