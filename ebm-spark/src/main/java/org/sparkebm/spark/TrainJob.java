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
    static final String USAGE = "usage: TrainJob <config.properties> [key=value ...]";

    private TrainJob() {}

    public static void main(String[] args) {
        System.exit(run(args).code);
    }

    /** Runs the job and returns its exit code (never calls System.exit, so tests can call it). */
    public static ExitCode run(String[] args) {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println(USAGE);
            return ExitCode.BAD_CONFIG;
        }
        RunConfig cfg;
        try {
            cfg = RunConfig.load(Path.of(args[0]), Arrays.asList(args).subList(1, args.length));
        } catch (ConfigException e) {
            System.err.println("sparkebm: bad config: " + e.getMessage());
            return ExitCode.BAD_CONFIG;
        }
        // tabular data is read and validated by Spark's readers: the session starts first, training work after
        SparkSession spark = cfg.data().tabular() ? session(cfg) : null;
        try {
            return run(cfg, spark);
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
    }

    private static ExitCode run(RunConfig cfg, SparkSession spark) {
        Dataset data;
        Tabular.Loaded tab = null;
        try {
            if (spark != null) {
                tab = Tabular.load(spark, cfg);
                // the local engine folds every row in this JVM; Spark keeps the rows on the devices
                data = cfg.engine().equals("local") ? tab.all() : tab.preview(4096);
            } else {
                data = ShardLoader.loadAll(cfg);
            }
            if (cfg.privacy().enabled()) {
                double eps1 = new org.sparkebm.core.privacy.RdpAccountant(
                        org.sparkebm.core.train.RoundDriver.samplingRate(cfg), cfg.privacy().noise())
                        .epsilon(1, cfg.privacy().delta())[0];
                if (eps1 > cfg.privacy().epsilonBudget()) {
                    throw new ConfigException(String.format(Locale.ROOT, "privacy.epsilonBudget = %s allows no round:"
                            + " one round already costs ε = %.4f (raise privacy.noise or the budget)",
                            cfg.privacy().epsilonBudget(), eps1));
                }
            }
            if (cfg.model().hybrid()) {
                int max = data.labels() == null ? -1 : java.util.Arrays.stream(data.labels()).max().orElse(-1);
                if (max >= cfg.model().classes()) {
                    throw new ConfigException("model.classes = " + cfg.model().classes() + " but " + cfg.data().labels()
                            + " has label " + max + " (labels must lie in [0, model.classes))");
                }
            }
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
        CheckpointStore.Found resumeFrom = null;
        try {
            org.apache.hadoop.fs.Path dir = prepareRunDir(cfg);
            outputs = new RunOutputs(dir);
            if (HadoopFiles.exists(new org.apache.hadoop.fs.Path(dir, "checkpoints"))) {
                resumeFrom = new CheckpointStore(dir).newestValid(cfg.resolved());
                if (resumeFrom == null) {
                    System.err.println("sparkebm: cannot resume " + dir + ": it holds no valid checkpoint; nothing was changed");
                    return ExitCode.BAD_CONFIG;
                }
                if (resumeFrom.driver().nextRound() >= cfg.rounds()
                        && HadoopFiles.exists(new org.apache.hadoop.fs.Path(dir, "summary.json"))) {
                    System.out.println("sparkebm: run " + dir + " is already complete (" + resumeFrom.driver().nextRound()
                            + " rounds); nothing to do");
                    return ExitCode.OK;
                }
            }
        } catch (ConfigException e) {
            System.err.println("sparkebm: " + e.getMessage());
            return ExitCode.BAD_CONFIG;
        } catch (IOException e) {
            System.err.println("sparkebm: cannot prepare the run directory: " + e.getMessage());
            return ExitCode.INFRASTRUCTURE;
        }
        try {
            train(cfg, data, tab, outputs, resumeFrom);
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
        if (fs.exists(dir) && cfg.ifExists().equals("resume")) {
            return dir;
        }
        if (fs.exists(dir)) {
            if (cfg.ifExists().equals("fail")) {
                throw new ConfigException("run directory " + dir + " already exists; nothing was changed. Choose another"
                        + " run.name, set run.ifExists=resume to continue it from its newest checkpoint, or run.ifExists=new to"
                        + " write to a new numbered directory");
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

    /** The job's Spark session (spark-submit's master wins over spark.master of the config). */
    static SparkSession session(RunConfig cfg) {
        return Commands.session("SparkEBM " + cfg.name(), cfg.sparkMaster());
    }

    /**
     * @param data all rows (synthetic, IDX, or tabular with the local engine) or, for tabular data on Spark, a
     *             preview of up to 4,096 rows for pictures
     * @param tab  tabular data's device shards and feature map, or null
     */
    static void train(RunConfig cfg, Dataset data, Tabular.Loaded tab, RunOutputs outputs,
                      CheckpointStore.Found resumeFrom) throws IOException {
        int[] shape = data.sampleShape();
        EnergyModel model = cfg.model().create(shape, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        org.sparkebm.core.data.FeatureScaling scaling = tab != null ? tab.scaling()
                : org.sparkebm.core.data.FeatureScaling.identity(null, data.dim());
        if (cfg.engine().equals("local")) {
            LocalTrainer trainer = new LocalTrainer(cfg, data);
            outputs.writeManifest(cfg, "local engine (no Spark)", shape, model.numParams(), resumeFrom);
            System.out.printf(Locale.ROOT, "sparkebm: run %s → %s (%d devices folded locally, %d params)%n", cfg.name(),
                    outputs.dir(), cfg.devices(), model.numParams());
            loop(cfg, data, scaling, outputs, model, Engine.of(trainer, cfg, data), resumeFrom, null,
                    () -> 1, 1);
            return;
        }
        SparkSession spark = session(cfg);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ResultSizeListener sizes = new ResultSizeListener();
        sc.sc().addSparkListener(sizes);
        SparkTrainer trainer = new SparkTrainer(sc, cfg, shape, outputs.file("spark-checkpoints").toString(),
                tab == null ? null : tab.shards());
        try {
            outputs.writeManifest(cfg, sc.master(), shape, model.numParams(), resumeFrom);
            System.out.printf(Locale.ROOT, "sparkebm: run %s → %s (%d devices, %d params, master %s)%n", cfg.name(),
                    outputs.dir(), cfg.devices(), model.numParams(), sc.master());
            // counted at the end: executors register asynchronously, after the job starts
            loop(cfg, data, scaling, outputs, model, Engine.of(trainer), resumeFrom, sizes, () -> executorCount(sc),
                    sc.defaultParallelism());
        } finally {
            trainer.close();
            spark.stop();
        }
    }

    /**
     * Round by round: checkpoints every {@code checkpoint.every} rounds (and at round 0 and the end); on divergence
     * rolls back to the last checkpoint with a lower learning rate, at most {@code recovery.maxRollbacks} times.
     */
    private static void loop(RunConfig cfg, Dataset data, org.sparkebm.core.data.FeatureScaling scaling,
                             RunOutputs outputs, EnergyModel model, Engine engine,
                             CheckpointStore.Found resumeFrom, ResultSizeListener sizes,
                             java.util.function.IntSupplier executors, int slots) throws IOException {
        CheckpointStore store = new CheckpointStore(outputs.dir());
        RunConfig.Recovery rec = cfg.recovery();
        double[] roundSeconds = new double[cfg.rounds()];
        org.sparkebm.core.train.RoundDriver driver = engine.driver();
        CheckpointStore.Found last;
        if (resumeFrom != null) {
            driver.restore(resumeFrom.driver());
            engine.restore(resumeFrom.dir(), resumeFrom.driver().history());
            System.arraycopy(resumeFrom.driver().roundSeconds(), 0, roundSeconds, 0,
                    Math.min(roundSeconds.length, resumeFrom.driver().roundSeconds().length));
            System.out.printf(Locale.ROOT, "sparkebm: resumed from %s (round %d)%n", resumeFrom.dir(), driver.round());
            last = resumeFrom;
        } else {
            last = checkpoint(store, engine, driver, roundSeconds, rec);
        }
        List<Map<String, Object>> events = new java.util.ArrayList<>();
        Map<Integer, String> eventsByRound = new java.util.TreeMap<>();
        long start = System.nanoTime();
        int startRound = driver.round();
        String stopReason = null;
        while (driver.round() < cfg.rounds()) {
            if (!driver.budgetAllowsNextRound()) {
                stopReason = String.format(Locale.ROOT, "privacy budget: round %d would take ε from %.4f past %.4f",
                        driver.round() + 1, driver.epsilonAfter(driver.round()), cfg.privacy().epsilonBudget());
                System.out.println("sparkebm: stopping early, " + stopReason);
                if (driver.round() % rec.checkpointEvery() != 0) {
                    last = checkpoint(store, engine, driver, roundSeconds, rec);
                }
                break;
            }
            long t0 = System.nanoTime();
            RoundSummary s = engine.step();
            roundSeconds[s.round()] = (System.nanoTime() - t0) / 1e9;
            String problem = divergence(s, driver, rec);
            if (problem != null) {
                if (driver.rollbacks() >= rec.maxRollbacks()) {
                    throw new DivergedException(problem + "; " + driver.rollbacks() + " rollback(s) already taken"
                            + " (recovery.maxRollbacks = " + rec.maxRollbacks() + "). Lower optimizer.lr or"
                            + " sampler.stepSize, or raise train.l2");
                }
                double mult = driver.lrMultiplier() * rec.lrFactor();
                int rollbacks = driver.rollbacks() + 1;
                System.out.printf(Locale.ROOT, "sparkebm: %s; rolling back to round %d with learning rate x%.4g (rollback %d of %d)%n",
                        problem, last.driver().nextRound(), mult, rollbacks, rec.maxRollbacks());
                Map<String, Object> ev = new java.util.LinkedHashMap<>();
                ev.put("round", s.round());
                ev.put("reason", problem);
                ev.put("rolled_back_to", last.driver().nextRound());
                ev.put("lr_multiplier", mult);
                events.add(ev);
                eventsByRound.merge(last.driver().nextRound(), String.format(Locale.ROOT,
                        "resumed after rollback from round %d (lr x%.4g)", s.round(), mult), (x, y) -> x + "; " + y);
                driver.restore(last.driver());
                engine.restore(last.dir(), last.driver().history());
                driver.setRecovery(mult, rollbacks);
                continue;
            }
            int done = s.round() + 1;
            if (done % cfg.logEvery() == 0 || done == cfg.rounds()) {
                progress(cfg, s, done - startRound, (System.nanoTime() - start) / 1e9);
            }
            if (done % rec.checkpointEvery() == 0 || done == cfg.rounds()) {
                last = checkpoint(store, engine, driver, roundSeconds, rec);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        float[] theta = driver.theta();
        model.setParams(Nd4j.createFromArray(theta));
        List<DeviceState> states = engine.states();
        List<RoundSummary> history = engine.history();
        long[] sparkBytes = new long[history.size()];
        for (int i = 0; i < sparkBytes.length; i++) {
            sparkBytes[i] = sizes == null ? -1 : sizes.bytes(i);
        }
        outputs.writeMetrics(history, sparkBytes, roundSeconds, eventsByRound, slots);
        if (!history.isEmpty()) {
            outputs.writePng("curves.png", Curves.png(history, sparkBytes));
        }
        // the training energies' quantiles make the normalised score of scoring; not kept for private runs (they
        // are computed from the data without noise)
        double[] quantiles = cfg.privacy().enabled() ? new double[0]
                : org.sparkebm.core.eval.Energies.quantiles(engine.dataEnergies(theta), 101);
        outputs.writeModel(cfg, data.sampleShape(), theta, scaling, quantiles);
        writeSamples(cfg, outputs, model, states, data);
        Map<String, Object> summary = outputs.writeSummary(cfg, history, sparkBytes, seconds, model, data,
                executors.getAsInt(), events, driver.lrMultiplier(), stopReason);
        System.out.printf(Locale.ROOT, "sparkebm: done in %.1f s (%.2f rounds/s); bytes up %s encoded vs %s dense fp32%s%n",
                seconds, (history.size() - startRound) / seconds, human((long) summary.get("encoded_bytes_up")),
                human((long) summary.get("dense_fp32_bytes_up")),
                summary.containsKey("mode_weights") ? "; mode weights " + Arrays.toString((double[]) summary.get("mode_weights")) : "");
        System.out.println("sparkebm: results in " + outputs.dir() + " (summary.json, metrics.csv, curves.png, samples.png, model.bin, manifest.json)");
    }

    private static CheckpointStore.Found checkpoint(CheckpointStore store, Engine engine,
                                                    org.sparkebm.core.train.RoundDriver driver, double[] roundSeconds,
                                                    RunConfig.Recovery rec) throws IOException {
        int r = driver.round();
        String dir = store.dir(r).toString();
        List<String[]> parts = engine.writeStates(dir);
        org.sparkebm.core.checkpoint.DriverCheckpoint snap = driver.snapshot(engine.history(),
                Arrays.copyOf(roundSeconds, r));
        store.commit(r, snap, parts, rec.keep());
        return new CheckpointStore.Found(snap, dir);
    }

    /** Why round s counts as diverged, or null. */
    static String divergence(RoundSummary s, org.sparkebm.core.train.RoundDriver driver, RunConfig.Recovery rec) {
        if (s.devices().isEmpty()) {
            return null; // no device this round (Poisson sampling): nothing to judge
        }
        if (!Double.isFinite(s.energyPos()) || !Double.isFinite(s.energyNeg()) || !Double.isFinite(s.gradNorm())
                || !Double.isFinite(s.updateNorm())) {
            return "round " + s.round() + ": non-finite energies or gradients (E+ " + s.energyPos() + ", E- "
                    + s.energyNeg() + ", |g| " + s.gradNorm() + ")";
        }
        if (Math.abs(s.energyPos()) > rec.maxAbsEnergy() || Math.abs(s.energyNeg()) > rec.maxAbsEnergy()) {
            return "round " + s.round() + ": energies exploded (E+ " + s.energyPos() + ", E- " + s.energyNeg()
                    + ", recovery.maxAbsEnergy = " + rec.maxAbsEnergy() + ")";
        }
        for (float f : driver.theta()) {
            if (!Float.isFinite(f)) {
                return "round " + s.round() + ": θ has non-finite entries";
            }
        }
        return null;
    }

    /** Executors that ran the job (the driver is not counted, except in local mode where it is the executor). */
    static int executorCount(JavaSparkContext sc) {
        int n = sc.sc().statusTracker().getExecutorInfos().length;
        return sc.isLocal() ? n : n - 1;
    }


    private static void progress(RunConfig cfg, RoundSummary s, int doneThisRun, double elapsed) {
        int done = s.round() + 1;
        double rate = doneThisRun / elapsed;
        double eta = (cfg.rounds() - done) / rate;
        String extra = "";
        if (!Double.isNaN(s.ess())) {
            extra += String.format(Locale.ROOT, " | ESS %.0f log Z %.3f CE %.4f", s.ess(), s.logZ(), s.crossEntropy());
        }
        if (!Double.isNaN(s.clfAccuracy())) {
            extra += String.format(Locale.ROOT, " | clf acc %.3f CE %.4f", s.clfAccuracy(), s.clfLoss());
        }
        if (!Double.isNaN(s.epsilon())) {
            extra += String.format(Locale.ROOT, " | ε %.4f", s.epsilon());
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
        Plots.Shown img = Plots.images(cfg, data.sampleShape(), chains, n);
        if (img != null) {
            outputs.writePng("samples.png", Plots.imageGrid(img.pixels(), n, img.h(), img.w()));
        } else if (d == 2) {
            outputs.writePng("samples.png", Plots.dataBesideDensity(model, data, chains, n));
        }
    }
}
