package org.sparkebm.core.config;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.sparkebm.core.compress.BlockSign;
import org.sparkebm.core.compress.Compressor;
import org.sparkebm.core.compress.Identity;
import org.sparkebm.core.compress.TopK;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.DataSource;
import org.sparkebm.core.data.DataSpec;
import org.sparkebm.core.data.PcaProjection;
import org.sparkebm.core.model.Activation;
import org.sparkebm.core.model.ConvEnergy;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.model.FittedGaussian;
import org.sparkebm.core.model.ModelSpec;
import org.sparkebm.core.model.ModelType;
import org.sparkebm.core.privacy.NoiseAt;
import org.sparkebm.core.privacy.PrivacySpec;
import org.sparkebm.core.sampling.ChainInit;
import org.sparkebm.core.sampling.ChainSpec;
import org.sparkebm.core.sampling.LangevinSampler;
import org.sparkebm.core.sampling.ReplayBuffer;

/**
 * A run's configuration: parsed and validated once (on the driver, before Spark starts), immutable, and able to
 * build every object of the run. {@link #resolved()} is the full key → value map written into manifests,
 * models and checkpoints, from which {@link #fromMap} rebuilds an equal config.
 */
public record RunConfig(Map<String, String> resolved, String name, long seed, int rounds, String outputDir,
                        IfExists ifExists, int logEvery, int samples, int devices, double deviceFraction,
                        DataSpec data, ModelSpec model, ChainSpec chains, StepSpec step, OptimiserSpec optimiser,
                        SparkSpec spark, Method method,
                        JarzynskiSpec jarzynski, Engine engine, Recovery recovery,
                        DeviceSampling deviceSampling, PrivacySpec privacy)
        implements Serializable {

    /** Checkpointing and divergence recovery. */
    public record Recovery(int checkpointEvery, int keep, int maxRollbacks, double lrFactor, double maxAbsEnergy)
            implements Serializable {}

    /** Loads a config file with {@code key=value} overrides and validates it. */
    public static RunConfig load(Path file, List<String> overrides) {
        return parse(Settings.load(file, overrides));
    }

    /** Rebuilds a config from its {@link #resolved()} map. */
    public static RunConfig fromMap(Map<String, String> map, String source) {
        return parse(Settings.of(map, source));
    }

    /**
     * Validates everything, once: each value through its key's type ({@link Keys}), then the relations between
     * keys. Every error names the key.
     */
    public static RunConfig parse(Settings s) {
        String name = s.get(Keys.RUN_NAME);
        DataSpec data = parseData(s);
        ModelSpec model = parseModel(s);
        int devices = s.get(Keys.DEVICES_COUNT);
        if (data.synthetic() && devices > data.rows()) {
            throw s.bad(Keys.DEVICES_COUNT, "more devices than rows of data (" + data.rows() + ")");
        }
        double clampMin = s.get(Keys.SAMPLER_CLAMP_MIN);
        double clampMax = s.get(Keys.SAMPLER_CLAMP_MAX);
        if (!(clampMin < clampMax)) {
            throw s.bad(Keys.SAMPLER_CLAMP_MAX, "must be above sampler.clampMin");
        }
        SamplerType samplerType = s.get(Keys.SAMPLER_TYPE);
        double h = s.get(Keys.SAMPLER_STEP_SIZE);
        double noise = s.get(Keys.SAMPLER_NOISE);
        LangevinSampler sampler = (samplerType == SamplerType.ULA ? LangevinSampler.ula(h)
                : LangevinSampler.sgld(h, noise))
                .withGradClip(s.get(Keys.SAMPLER_GRAD_CLIP))
                .withClamp(clampMin, clampMax);
        // every key is range-checked whether or not this run uses it: a typo'd value never waits silently
        CompressType sc = s.get(Keys.SAMPLER_COMPRESS);
        double sDensity = s.get(Keys.SAMPLER_COMPRESS_DENSITY);
        int sBlock = s.get(Keys.SAMPLER_COMPRESS_BLOCK);
        if (sc != CompressType.NONE) {
            sampler = sampler.withCompressor(sc == CompressType.TOPK ? TopK.ofDensity(sDensity) : new BlockSign(sBlock));
        }
        CompressType ct = s.get(Keys.COMPRESS_TYPE);
        int k = s.get(Keys.COMPRESS_K);
        double density = s.get(Keys.COMPRESS_DENSITY);
        int block = s.get(Keys.COMPRESS_BLOCK);
        Compressor compressor = switch (ct) {
            case TOPK -> k > 0 ? TopK.ofCount(k) : TopK.ofDensity(density);
            case BLOCKSIGN -> new BlockSign(block);
            case NONE -> new Identity();
        };
        boolean ef = s.get(Keys.COMPRESS_ERROR_FEEDBACK) && ct != CompressType.NONE;
        ChainSpec chains = new ChainSpec(s.get(Keys.CHAINS_BUFFER), s.get(Keys.CHAINS_INIT),
                s.get(Keys.CHAINS_UNIFORM_LOW), s.get(Keys.CHAINS_UNIFORM_HIGH), s.get(Keys.CHAINS_GAUSSIAN_COV),
                s.get(Keys.CHAINS_STORAGE));
        if (!(chains.uniformLow() < chains.uniformHigh())) {
            throw s.bad(Keys.CHAINS_UNIFORM_HIGH, "must be above chains.uniform.low");
        }
        PrivacySpec privacy = new PrivacySpec(s.get(Keys.PRIVACY_CLIP), s.get(Keys.PRIVACY_NOISE),
                s.get(Keys.PRIVACY_NOISE_AT), s.get(Keys.PRIVACY_DELTA), s.get(Keys.PRIVACY_BUDGET));
        DeviceSampling sampling = s.get(Keys.DEVICES_SAMPLING);
        double fraction = s.get(Keys.DEVICES_FRACTION);
        if (privacy.enabled()) {
            if (fraction < 1 && sampling != DeviceSampling.POISSON) {
                throw s.bad(Keys.DEVICES_SAMPLING, "the privacy accountant covers Poisson sampling of devices: set"
                        + " devices.sampling = poisson (or devices.fraction = 1)");
            }
            if (privacy.where() == NoiseAt.DRIVER && ef) {
                throw s.bad(Keys.PRIVACY_NOISE_AT, "driver-side noise bounds each message by C only without error"
                        + " feedback: set compress.errorFeedback = false, or privacy.noiseAt = device");
            }
        }
        StepSpec step = new StepSpec(s.get(Keys.TRAIN_BATCH), s.get(Keys.TRAIN_CHAINS), s.get(Keys.SAMPLER_STEPS),
                s.get(Keys.TRAIN_L2), sampler, s.get(Keys.CHAINS_REINIT), s.get(Keys.TRAIN_RESET_EVERY),
                compressor, ef, privacy.enabled() ? privacy : null, hybrid(s, model));
        Method method = s.get(Keys.TRAIN_METHOD);
        if (method == Method.CD && step.resetEvery() == 0) {
            throw s.bad(Keys.TRAIN_RESET_EVERY, "train.method = cd restarts chains every train.resetEvery rounds: set it >= 1");
        }
        if (method == Method.PCD && step.resetEvery() > 0) {
            throw s.bad(Keys.TRAIN_RESET_EVERY, "train.method = pcd never restarts chains: use 0, or train.method = cd");
        }
        JarzynskiSpec jspec = new JarzynskiSpec(s.get(Keys.JARZYNSKI_THRESHOLD), s.get(Keys.JARZYNSKI_ESS_FRACTION),
                s.get(Keys.JARZYNSKI_RESAMPLING));
        if (method == Method.JARZYNSKI) {
            if (step.privacy() != null && chains.init() != ChainInit.MODEL && chains.init() != ChainInit.UNIFORM) {
                throw s.bad(Keys.CHAINS_INIT, "with privacy, Jarzynski sends its weighted model part un-noised, which"
                        + " is private only if the walkers start independently of the data: use 'model' (or 'uniform'),"
                        + " not '" + Type.configName(chains.init()) + "'");
            }
            if (samplerType != SamplerType.ULA) {
                throw s.bad(Keys.SAMPLER_TYPE, "Jarzynski weights are derived for ULA moves: use sampler.type = ula");
            }
            if (step.reinitFraction() > 0) {
                throw s.bad(Keys.CHAINS_REINIT, "Jarzynski walkers are never re-initialised: use 0");
            }
            if (step.chains() < chains.buffer()) {
                throw s.bad(Keys.TRAIN_CHAINS, "Jarzynski advances every walker each round: train.chains must be >= chains.buffer");
            }
            if (chains.storage() != ReplayBuffer.Storage.FP32) {
                throw s.bad(Keys.CHAINS_STORAGE, "Jarzynski weights assume the walkers move exactly as simulated: use fp32");
            }
            if (fraction < 1) {
                throw s.bad(Keys.DEVICES_FRACTION, "Jarzynski needs every device every round (weights are global): use 1.0");
            }
            if (sampler.compressor() != null || sampler.gradClip() > 0 || clampMin > Double.NEGATIVE_INFINITY
                    || clampMax < Double.POSITIVE_INFINITY) {
                throw new ConfigException("train.method = jarzynski: the weights assume plain ULA moves; remove"
                        + " sampler.compress, sampler.gradClip and sampler.clampMin/Max");
            }
        }
        if (model.hybrid()) {
            if (method == Method.JARZYNSKI) {
                throw s.bad(Keys.TRAIN_METHOD, "jem / mjem train with PCD or CD chains (M-EBM sampler), not Jarzynski");
            }
            boolean labelled = data.source() == DataSource.IDX ? data.labels() != null
                    : data.source() == DataSource.IMAGES || data.labelColumn() != null; // images: class subfolders
            if (!labelled) {
                throw s.bad(Keys.MODEL_TYPE, Type.configName(model.type()) + " is a classifier too: it needs labelled"
                        + " data (data.source = idx with data.labels, csv / parquet / frame with data.labelColumn, or"
                        + " images in class subfolders)");
            }
        }
        if (chains.storage() == ReplayBuffer.Storage.U8 && !(Double.isFinite(clampMin) && Double.isFinite(clampMax))) {
            throw s.bad(Keys.CHAINS_STORAGE, "8-bit storage quantises the sampler's clamp range: set sampler.clampMin"
                    + " and sampler.clampMax (e.g. -1 and 1 for images), or use bf16");
        }
        if (privacy.enabled() && data.projection() != null) {
            throw s.bad(Keys.DATA_PROJECTION, "the projection is derived from all the data and is not covered by the"
                    + " privacy accountant");
        }
        if (data.projection() != null && model.type() == ModelType.CONV) {
            throw s.bad(Keys.DATA_PROJECTION, "projected data are vectors of principal coordinates: use model.type = mlp,"
                    + " jem or mjem, not conv");
        }
        if (privacy.enabled() && model.basePath() != null) {
            throw s.bad(Keys.MODEL_BASE_PATH, "the fitted Gaussian base is derived from all the data and is not covered by"
                    + " the privacy accountant: use model.baseStd with privacy");
        }
        if (chains.init() == ChainInit.MODEL && !model.initialModelSampleable()) {
            throw s.bad(Keys.CHAINS_INIT, "'model' draws exactly from the initial model: needs model.type = gmm, or"
                    + " model.baseStd > 0 or model.basePath, with model.zeroOutput = true");
        }
        OptimiserSpec opt = new OptimiserSpec(s.get(Keys.OPT_TYPE), s.get(Keys.OPT_LR), s.get(Keys.OPT_BETA1),
                s.get(Keys.OPT_BETA2));
        return new RunConfig(s.resolved(), name, s.get(Keys.RUN_SEED), s.get(Keys.RUN_ROUNDS),
                s.get(Keys.RUN_OUTPUT_DIR), s.get(Keys.RUN_IF_EXISTS), s.get(Keys.RUN_LOG_EVERY), s.get(Keys.RUN_SAMPLES),
                devices, fraction, data, model, chains, step, opt, new SparkSpec(sparkMaster(s),
                s.get(Keys.SPARK_CHECKPOINT_EVERY), s.get(Keys.SPARK_TREE_DEPTH), s.get(Keys.SPARK_AGGREGATION),
                s.get(Keys.SPARK_REDUCE_SLICES)), method, jspec, s.get(Keys.RUN_ENGINE),
                new Recovery(s.get(Keys.CHECKPOINT_EVERY), s.get(Keys.CHECKPOINT_KEEP), s.get(Keys.RECOVERY_MAX_ROLLBACKS),
                        s.get(Keys.RECOVERY_LR_FACTOR), s.get(Keys.RECOVERY_MAX_ENERGY)),
                sampling, privacy);
    }

    /**
     * spark.master in one of the forms Spark accepts: local, local[N], local[*], local[N,F], local[*,F],
     * local-cluster[N,C,M], spark://host:port[,host:port...], yarn, k8s://..., mesos://... (a bad one would
     * otherwise fail only once Spark starts).
     */
    private static String sparkMaster(Settings s) {
        String m = s.optionalValue(Keys.SPARK_MASTER);
        if (m == null) {
            return null;
        }
        boolean ok = m.equals("local") || m.equals("yarn")
                || m.matches("local\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?]")
                || m.matches("local-cluster\\[[1-9][0-9]*, *[1-9][0-9]*, *[1-9][0-9]*]")
                || m.matches("spark://[^\\s:/,]+:[0-9]+(,[^\\s:/,]+:[0-9]+)*")
                || m.matches("(k8s|mesos)://\\S+");
        if (!ok) {
            throw s.bad(Keys.SPARK_MASTER, "not a Spark master URL: use local[N] (N >= 1), local[*], spark://host:port,"
                    + " yarn, k8s://... or local-cluster[N,C,M]");
        }
        return m;
    }

    /** The hybrid objective of jem / mjem models, or null. */
    private static StepSpec.Hybrid hybrid(Settings s, ModelSpec model) {
        if (!model.hybrid()) {
            return null;
        }
        double cw = s.get(Keys.TRAIN_CLF_WEIGHT);
        double gw = s.get(Keys.TRAIN_GEN_WEIGHT);
        if (cw == 0 && gw == 0) {
            throw s.bad(Keys.TRAIN_CLF_WEIGHT, "train.clfWeight and train.genWeight are both 0: nothing to train");
        }
        return new StepSpec.Hybrid(cw, gw, s.get(Keys.TRAIN_CLF_BATCH), s.get(Keys.TRAIN_AUGMENT) == Augment.FLIP_SHIFT);
    }

    private static DataSpec parseData(Settings s) {
        DataSource source = s.get(Keys.DATA_SOURCE);
        double[][] means = null;
        double[] weights = null;
        if (source == DataSource.GMM) {
            means = s.get(Keys.DATA_MEANS);
            weights = s.get(Keys.DATA_WEIGHTS);
            if (weights.length != means.length) {
                throw s.bad(Keys.DATA_WEIGHTS, weights.length + " weights for " + means.length + " means");
            }
        }
        boolean tabular = source == DataSource.CSV || source == DataSource.PARQUET || source == DataSource.FRAME;
        String path = s.optional(Keys.DATA_PATH);
        if ((source == DataSource.IDX || source == DataSource.CSV || source == DataSource.PARQUET
                || source == DataSource.IMAGES) && (path == null || path.isBlank())) {
            throw new ConfigException("data.source = " + Type.configName(source) + " needs data.path");
        }
        List<String> columns = s.optionalValue(Keys.DATA_COLUMNS);
        boolean standardize = s.get(Keys.DATA_STANDARDIZE);
        int[] shape = s.optionalValue(Keys.DATA_SHAPE);
        if (source == DataSource.IMAGES && shape == null) {
            throw s.bad(Keys.DATA_SHAPE, "data.source = images needs the images' C,H,W (e.g. 3,32,32)");
        }
        if (shape != null) {
            if (source != DataSource.IMAGES && source != DataSource.PARQUET) {
                throw s.bad(Keys.DATA_SHAPE, "applies to data.source = images or parquet, not "
                        + Type.configName(source));
            }
            if (shape.length != 3 || shape[0] > 4) {
                throw s.bad(Keys.DATA_SHAPE, "is C,H,W: 1 to 4 channels, then height and width");
            }
            if (source == DataSource.PARQUET && (columns == null || columns.size() != 1)) {
                throw s.bad(Keys.DATA_COLUMNS, "Parquet images (data.shape) are one column: name it in data.columns");
            }
            if (source == DataSource.IMAGES && columns != null) {
                throw s.bad(Keys.DATA_COLUMNS, "does not apply to data.source = images");
            }
            if (standardize) {
                throw s.bad(Keys.DATA_STANDARDIZE, "does not apply to images (data.shape): pixels are scaled to -1..1");
            }
        }

        String labelColumn = s.optionalValue(Keys.DATA_LABEL_COLUMN);
        if (labelColumn != null && !tabular) {
            throw s.bad(Keys.DATA_LABEL_COLUMN, "applies to csv, parquet or frame data (IDX labels: data.labels; an"
                    + " images folder's class is its subfolder)");
        }
        if (labelColumn != null && columns != null && columns.contains(labelColumn)) {
            throw s.bad(Keys.DATA_LABEL_COLUMN, "'" + labelColumn + "' is also in data.columns: a label is never a feature");
        }
        if ((columns != null || standardize) && !tabular) {
            throw new ConfigException((columns != null ? "data.columns" : "data.standardize")
                    + " applies to csv, parquet or frame data, not data.source = " + Type.configName(source));
        }
        int[] classes = s.optionalValue(Keys.DATA_CLASSES);
        int[] counts = s.optionalValue(Keys.DATA_CLASS_COUNTS);
        if (counts != null && (classes == null || counts.length != classes.length)) {
            throw s.bad(Keys.DATA_CLASS_COUNTS, "needs data.classes with one count per class");
        }
        if (classes != null && s.optional(Keys.DATA_LABELS) == null) {
            throw s.bad(Keys.DATA_CLASSES, "a class filter needs data.labels");
        }
        return new DataSpec(source, s.get(Keys.DATA_ROWS), s.get(Keys.DATA_DIM), s.get(Keys.DATA_P1), means, weights,
                s.get(Keys.DATA_STD), path, s.optional(Keys.DATA_LABELS), classes, counts, s.get(Keys.DATA_LIMIT),
                s.get(Keys.DATA_CSV_HEADER), columns, standardize, labelColumn, projection(s, source), shape);
    }

    private static String projection(Settings s, DataSource source) {
        String p = s.optionalValue(Keys.DATA_PROJECTION);
        if (p == null) {
            return null;
        }
        if (source != DataSource.IDX) {
            throw s.bad(Keys.DATA_PROJECTION, "applies to data.source = idx, not " + Type.configName(source));
        }
        // read (and cached) now, so a missing or corrupt file is reported before any work starts
        try {
            PcaProjection.read(p);
        } catch (RuntimeException e) {
            // a data file that is missing or unreadable: bad data (exit 3), named with its key
            throw new DataException(s.named(Keys.DATA_PROJECTION) + ": cannot read the projection file (write it with"
                    + " submit/sparkebm.sh fit-projection): " + e.getMessage(), e);
        }
        return p;
    }

    private static ModelSpec parseModel(Settings s) {
        ModelType type = s.get(Keys.MODEL_TYPE);
        int[] hidden = s.get(Keys.MODEL_HIDDEN);
        Activation act = s.get(Keys.MODEL_ACTIVATION);
        if (type == ModelType.CONV && act != Activation.SILU) {
            throw s.bad(Keys.MODEL_ACTIVATION, "the conv energy supports silu only");
        }
        List<ConvEnergy.ConvLayer> layers = s.get(Keys.MODEL_CONV_LAYERS);
        int comps = s.get(Keys.MODEL_GMM_COMPONENTS);
        int[] frozen = s.optionalValue(Keys.MODEL_GMM_FROZEN_Z);
        frozen = frozen == null ? new int[0] : frozen;
        for (int k : frozen) {
            if (k >= comps) {
                throw s.bad(Keys.MODEL_GMM_FROZEN_Z, "component " + k + " does not exist");
            }
        }
        double baseStd = s.get(Keys.MODEL_BASE_STD);
        String basePath = s.optionalValue(Keys.MODEL_BASE_PATH);
        boolean mlpOrConv = type == ModelType.MLP || type == ModelType.CONV;
        if (basePath != null && baseStd > 0) {
            throw s.bad(Keys.MODEL_BASE_PATH, "a model has one Gaussian base: set model.basePath or model.baseStd, not both");
        }
        if (basePath != null && !mlpOrConv) {
            throw s.bad(Keys.MODEL_BASE_PATH, "the Gaussian base applies to mlp and conv energies, not "
                    + Type.configName(type));
        }
        if (baseStd > 0 && !mlpOrConv) {
            throw s.bad(Keys.MODEL_BASE_STD, "the Gaussian base applies to mlp and conv energies, not "
                    + Type.configName(type));
        }
        if (basePath != null) {
            // read (and cached) now, so a missing or corrupt file is reported before any work starts
            try {
                FittedGaussian.read(basePath);
            } catch (RuntimeException e) {
                throw new DataException(s.named(Keys.MODEL_BASE_PATH) + ": cannot read the Gaussian base file (write it"
                        + " with the fit-base command): " + e.getMessage(), e);
            }
        }
        return new ModelSpec(type, hidden, act, layers, comps, frozen, s.get(Keys.MODEL_GMM_Z_LR_SCALE), baseStd,
                basePath, s.get(Keys.MODEL_ZERO_OUTPUT), s.get(Keys.MODEL_CLASSES));
    }

    /** Energy model ready for the given sample shape, checking that the architecture fits it. */
    public EnergyModel initialModel(int[] sampleShape) {
        try {
            return model.initial(sampleShape, seed, DataType.FLOAT);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("model.* does not fit data of shape " + Arrays.toString(sampleShape)
                    + ": " + e.getMessage());
        }
    }
}
