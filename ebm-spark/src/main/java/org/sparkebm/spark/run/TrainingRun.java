package org.sparkebm.spark.run;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.config.Engine;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.DataSource;
import org.sparkebm.core.data.FeatureScaling;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.eval.Energies;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.train.DeviceState;
import org.sparkebm.core.train.LocalTrainer;
import org.sparkebm.core.train.RoundSummary;
import org.sparkebm.core.train.Trainer;
import org.sparkebm.spark.data.Tabular;
import org.sparkebm.spark.engine.ResultSizeListener;
import org.sparkebm.spark.engine.Sessions;
import org.sparkebm.spark.engine.SparkJobFailedException;
import org.sparkebm.spark.engine.SparkTrainer;
import org.sparkebm.spark.plot.Curves;
import org.sparkebm.spark.plot.Plots;

/**
 * One training run into a prepared run directory: picks the engine ({@code run.engine}), runs the {@link RunLoop}
 * with the job's progress line and checkpoints, then writes the results (metrics, curves, model, samples, summary).
 */
public final class TrainingRun {
    private TrainingRun() {}

    /** The job's Spark session (spark-submit's master wins over spark.master of the config). */
    public static SparkSession session(RunConfig cfg) {
        return Sessions.open("SparkEBM " + cfg.name(), cfg.spark().master());
    }

    /**
     * @param data       all rows (synthetic, IDX, or tabular with the local engine) or, for tabular data on Spark, a
     *                   preview of up to 4,096 rows for pictures
     * @param tab        tabular data's device shards and feature map, or null
     * @param resumeFrom the checkpoint to continue from, or null
     */
    public static void train(RunConfig cfg, Shard data, Tabular.Loaded tab, RunOutputs outputs,
                             CheckpointStore.Found resumeFrom) throws IOException {
        int[] shape = data.sampleShape();
        EnergyModel model = cfg.model().create(shape, DataType.FLOAT);
        FeatureScaling scaling = tab != null ? tab.scaling() : FeatureScaling.identity(null, data.dim());
        if (cfg.engine() == Engine.LOCAL) {
            try (LocalTrainer trainer = new LocalTrainer(cfg, data)) {
                outputs.writeManifest(cfg, "local engine (no Spark)", shape, model.numParams(), resumeFrom);
                System.out.printf(Locale.ROOT, "sparkebm: run %s → %s (%d devices folded locally, %d params)%n",
                        cfg.name(), outputs.dir(), cfg.devices(), model.numParams());
                runAndWrite(cfg, data, scaling, outputs, model, trainer, resumeFrom, null, 1, () -> 1);
            }
            return;
        }
        trainOnSpark(cfg, data, tab, outputs, resumeFrom, model, shape, scaling, session(cfg));
    }

    private static void trainOnSpark(RunConfig cfg, Shard data, Tabular.Loaded tab, RunOutputs outputs,
                                     CheckpointStore.Found resumeFrom, EnergyModel model, int[] shape,
                                     FeatureScaling scaling, SparkSession spark) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ResultSizeListener sizes = new ResultSizeListener();
        try (SparkTrainer trainer = new SparkTrainer(sc, cfg, shape, outputs.file("spark-checkpoints").toString(),
                tab == null ? null : tab.shards())) {
            sc.sc().addSparkListener(sizes);
            outputs.writeManifest(cfg, sc.master(), shape, model.numParams(), resumeFrom);
            System.out.printf(Locale.ROOT, "sparkebm: run %s → %s (%d devices, %d params, master %s)%n", cfg.name(),
                    outputs.dir(), cfg.devices(), model.numParams(), sc.master());
            // counted at the end: executors register asynchronously, after the job starts
            runAndWrite(cfg, data, scaling, outputs, model, trainer, resumeFrom, sizes, sc.defaultParallelism(),
                    () -> executorCount(sc));
        } catch (IllegalStateException e) {
            if (sc.sc().isStopped()) {
                // Spark gave up on its own (an unreachable or refusing master stops the context): say so, not the
                // "stopped SparkContext" that follows
                throw new SparkJobFailedException("Spark stopped before the run could finish (master " + sc.master()
                        + "): is the master reachable and accepting applications? Check spark.master or --master"
                        + " (Spark's log above says why it gave up)", e);
            }
            throw e;
        } finally {
            spark.stop();
        }
    }

    private static void runAndWrite(RunConfig cfg, Shard data, FeatureScaling scaling, RunOutputs outputs,
                                    EnergyModel model, Trainer trainer, CheckpointStore.Found resumeFrom,
                                    ResultSizeListener sizes, int slots, IntSupplier executors)
            throws IOException {
        RunLoop.Outcome out = new RunLoop(cfg, new CheckpointStore(outputs.dir()), new ProgressLine(cfg))
                .run(trainer, resumeFrom);
        float[] theta = trainer.server().theta();
        model.setParams(Nd4j.createFromArray(theta));
        List<DeviceState> states = trainer.states();
        List<RoundSummary> history = trainer.history();
        long[] sparkBytes = new long[history.size()];
        long[] shuffleBytes = new long[history.size()];
        for (int i = 0; i < sparkBytes.length; i++) {
            sparkBytes[i] = sizes == null ? -1 : sizes.bytes(i);
            shuffleBytes[i] = sizes == null ? -1 : sizes.shuffleBytes(i);
        }
        List<RoundMetrics.Row> rows = RoundMetrics.rows(history, sparkBytes, shuffleBytes, out.roundSeconds(), out.eventsByRound(),
                slots, cfg.devices());
        outputs.writeMetrics(rows);
        if (!rows.isEmpty()) {
            outputs.writePng("curves.png", Curves.png(rows.stream().map(r -> r.s().round() + 1.0).toList(),
                    RoundMetrics.curves(rows)));
        }
        // the training energies' quantiles make the normalised score of scoring; not kept for private runs (they
        // are computed from the data without noise)
        double[] quantiles = cfg.privacy().enabled() ? new double[0]
                : Energies.quantiles(trainer.dataEnergies(theta), 101);
        outputs.writeModel(cfg, data.sampleShape(), theta, scaling, quantiles);
        writeSamples(cfg, outputs, model, states, data);
        Map<String, Object> summary = outputs.writeSummary(cfg, rows, history.size() - out.startRound(), out.seconds(),
                model, data,
                executors.getAsInt(), out.rollbacks(), trainer.server().lrMultiplier(), out.stopReason());
        System.out.printf(Locale.ROOT, "sparkebm: done in %.1f s (%.2f rounds/s); bytes up %s encoded vs %s dense fp32%s%n",
                out.seconds(), (history.size() - out.startRound()) / out.seconds(),
                ProgressLine.human((long) summary.get("encoded_bytes_up")),
                ProgressLine.human((long) summary.get("dense_fp32_bytes_up")),
                !summary.containsKey("mode_weights") ? ""
                        : "; mode weights " + weights((double[]) summary.get("mode_weights"))
                        + (summary.containsKey("true_mode_weights")
                        ? " (true " + weights((double[]) summary.get("true_mode_weights")) + ")" : ""));
        System.out.println("sparkebm: results in " + outputs.dir() + " (summary.json, metrics.csv, curves.png, samples.png, model.bin, manifest.json)");
    }

    /** Mode weights as people read them: 0.185 / 0.815. */
    static String weights(double[] w) {
        return String.join(" / ", Arrays.stream(w).mapToObj(x -> String.format(Locale.ROOT, "%.3f", x)).toList());
    }

    /** Executors that ran the job (the driver is not counted, except in local mode where it is the executor). */
    static int executorCount(JavaSparkContext sc) {
        int n = sc.sc().statusTracker().getExecutorInfos().length;
        return sc.isLocal() ? n : n - 1;
    }

    /** samples.png: chains taken round-robin over devices (images as a grid, 2-D data beside the density). */
    private static void writeSamples(RunConfig cfg, RunOutputs outputs, EnergyModel model, List<DeviceState> states,
                                     Shard data) throws IOException {
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
            outputs.writePng("samples.png", img.grid(n));
        } else if (d == 2 && cfg.data().source() == DataSource.GMM) {
            double[] learned = RunOutputs.gridModeWeights(model, data, cfg.data().means());
            double[] truth = RunOutputs.normalised(cfg.data().weights());
            outputs.writePng("samples.png", Plots.dataBesideDensity(model, data, chains, n,
                    "data: weights " + weights(truth), "learned exp(-E), chains: weights " + weights(learned)));
        } else if (d == 2) {
            outputs.writePng("samples.png", Plots.dataBesideDensity(model, data, chains, n));
        }
    }
}
