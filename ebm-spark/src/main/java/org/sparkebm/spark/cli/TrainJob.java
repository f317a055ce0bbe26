package org.sparkebm.spark.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.Engine;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.privacy.RdpAccountant;
import org.sparkebm.core.train.ParameterServer;
import org.sparkebm.spark.data.ShardLoader;
import org.sparkebm.spark.data.Tabular;
import org.sparkebm.spark.io.HadoopFiles;
import org.sparkebm.spark.run.CheckpointStore;
import org.sparkebm.spark.run.RunDirectory;
import org.sparkebm.spark.run.RunOutputs;
import org.sparkebm.spark.run.TrainingRun;

/**
 * {@code train <config.properties> [key=value ...]}: trains an EBM and writes a run directory.
 *
 * <p>Everything is validated before training starts (config keys and ranges, the data, the model against the data
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
        } catch (ConfigException | DataException e) {
            return ExitCode.of("train", e);
        }
        // tabular data is read and validated by Spark's readers: the session starts first, training work after
        SparkSession spark = cfg.data().tabular() ? TrainingRun.session(cfg) : null;
        try {
            return run(cfg, spark);
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
    }

    private static ExitCode run(RunConfig cfg, SparkSession spark) {
        RunDirectory.Prepared dir = null;
        try {
            Tabular.Loaded tab = spark == null ? null : Tabular.load(spark, cfg);
            // the local engine folds every row in this JVM; on Spark each device reads its own rows (tables and IDX
            // files) and the driver keeps a preview
            Shard data;
            int maxLabel;
            if (tab == null && cfg.engine() == Engine.SPARK && !cfg.data().synthetic()) {
                ShardLoader.Preview pv = ShardLoader.preview(cfg, 4096);
                data = pv.rows();
                maxLabel = pv.maxLabel();
            } else {
                data = tab == null ? ShardLoader.loadAll(cfg) : cfg.engine() == Engine.LOCAL ? tab.all() : tab.preview(4096);
                maxLabel = data.labels() == null ? -1 : Arrays.stream(data.labels()).max().orElse(-1);
            }
            validate(cfg, data, maxLabel);
            dir = RunDirectory.prepare(cfg);
            RunOutputs outputs = new RunOutputs(dir.dir());
            CheckpointStore.Found resumeFrom = null;
            if (HadoopFiles.exists(outputs.file("checkpoints"))) {
                resumeFrom = new CheckpointStore(outputs.dir()).newestValid(cfg.resolved());
                if (resumeFrom == null) {
                    throw new ConfigException("cannot resume " + outputs.dir() + ": it holds no valid checkpoint;"
                            + " nothing was changed");
                }
                if (resumeFrom.driver().nextRound() >= cfg.rounds() && HadoopFiles.exists(outputs.file("summary.json"))) {
                    String damage = outputs.damage();
                    if (damage == null) {
                        System.out.println("sparkebm: run " + outputs.dir() + " is already complete ("
                                + resumeFrom.driver().nextRound() + " rounds); nothing to do");
                        return ExitCode.OK;
                    }
                    // the loop runs no round from the final checkpoint and writes every output again
                    System.out.println("sparkebm: run " + outputs.dir() + " is complete but " + damage
                            + "; writing its outputs again from its final checkpoint (round "
                            + resumeFrom.driver().nextRound() + ")");
                }
            }
            TrainingRun.train(cfg, data, tab, outputs, resumeFrom);
            return ExitCode.OK;
        } catch (Exception e) {
            // a failed start leaves nothing behind; a run with a committed checkpoint stays, to be resumed
            if (dir != null && RunDirectory.removeIfNothingCommitted(dir)) {
                System.err.println("sparkebm: removed " + dir.dir() + " (nothing was committed in it)");
            }
            return ExitCode.of("train", e);
        }
    }

    /** What the config alone cannot check: the privacy budget against one round, labels and the model's input. */
    private static void validate(RunConfig cfg, Shard data, int maxLabel) {
        if (cfg.privacy().enabled()) {
            double eps1 = new RdpAccountant(ParameterServer.samplingRate(cfg), cfg.privacy().noise())
                    .epsilon(1, cfg.privacy().delta())[0];
            if (eps1 > cfg.privacy().epsilonBudget()) {
                throw new ConfigException(String.format(Locale.ROOT, "privacy.epsilonBudget = %s allows no round:"
                        + " one round already costs ε = %.4f (raise privacy.noise or the budget)",
                        cfg.privacy().epsilonBudget(), eps1));
            }
        }
        if (cfg.model().hybrid()) {
            int max = maxLabel;
            if (max >= cfg.model().classes()) {
                throw new ConfigException("model.classes = " + cfg.model().classes() + " but " + cfg.data().labels()
                        + " has label " + max + " (labels must lie in [0, model.classes))");
            }
        }
        EnergyModel probe = cfg.initialModel(data.sampleShape());
        if (probe.inputDim() != data.dim()) {
            throw new ConfigException("model expects " + probe.inputDim() + " features, data has " + data.dim());
        }
    }
}
