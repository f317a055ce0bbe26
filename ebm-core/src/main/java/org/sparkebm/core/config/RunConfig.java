package org.sparkebm.core.config;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.sparkebm.core.data.Dataset;
import org.sparkebm.core.data.Synthetic;
import org.sparkebm.core.model.Activation;
import org.sparkebm.core.model.ConvEnergy;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.model.GaussianMixtureEnergy;
import org.sparkebm.core.model.MlpEnergy;
import org.sparkebm.core.sampling.ChainInitializer;
import org.sparkebm.core.sampling.DataInit;
import org.sparkebm.core.sampling.GaussianInit;
import org.sparkebm.core.sampling.LangevinSampler;
import org.sparkebm.core.sampling.UniformInit;
import org.sparkebm.core.train.Nd4jOptimiser;
import org.sparkebm.core.train.Optimiser;
import org.sparkebm.core.train.StepSpec;
import org.sparkebm.core.util.Seeds;

/**
 * A run's configuration: parsed and validated once (on the driver, before Spark starts), immutable, and able to
 * build every object of the run. {@link #resolved()} is the full key → value map written into manifests,
 * models and checkpoints, from which {@link #fromMap} rebuilds an equal config.
 */
public record RunConfig(Map<String, String> resolved, String name, long seed, int rounds, String outputDir,
                        String ifExists, int logEvery, int samples, int devices, double deviceFraction,
                        DataSpec data, ModelSpec model, ChainSpec chains, StepSpec step, OptimiserSpec optimiser,
                        String sparkMaster, int checkpointEvery, int treeDepth, String method,
                        org.sparkebm.core.train.JarzynskiSpec jarzynski, String engine, Recovery recovery,
                        String deviceSampling, org.sparkebm.core.privacy.PrivacySpec privacy)
        implements Serializable {

    /** Checkpointing and divergence recovery. */
    public record Recovery(int checkpointEvery, int keep, int maxRollbacks, double lrFactor, double maxAbsEnergy)
            implements Serializable {}

    /** Where data comes from. */
    public record DataSpec(String source, int rows, int dim, double p1, double[][] means, double[] weights, double std,
                           String path, String labels, int[] classes, int[] classCounts, int limit, boolean csvHeader,
                           List<String> columns, boolean standardize, String labelColumn, String projection)
            implements Serializable {
        /** Whether the data is generated from the seed (no files). */
        public boolean synthetic() {
            return !source.equals("idx") && !tabular();
        }

        /** Whether the data is rows of numeric columns read through Spark (csv, parquet, or a given DataFrame). */
        public boolean tabular() {
            return source.equals("csv") || source.equals("parquet") || source.equals("frame");
        }

        /** Sample shape of synthetic data; {@code null} for files (known once the header is read). */
        public int[] syntheticShape() {
            return switch (source) {
                case "two-modes" -> new int[] {dim};
                case "gmm" -> new int[] {means[0].length};
                case "eight-gaussians", "rings" -> new int[] {2};
                default -> null;
            };
        }

        /** The whole synthetic data set, generated from the run seed (identical on every executor). */
        public Dataset generate(long runSeed) {
            SplittableRandom rng = Seeds.random(runSeed, Seeds.Purpose.DATA, 0, 0, 0);
            return switch (source) {
                case "two-modes" -> Synthetic.twoModes(rows, dim, p1, rng);
                case "gmm" -> Synthetic.gaussianMixture(rows, means, weights, std, rng);
                case "eight-gaussians" -> Synthetic.eightGaussians(rows, 2.0, rng);
                case "rings" -> Synthetic.rings(rows, std, rng);
                default -> throw new IllegalStateException("not a synthetic source: " + source);
            };
        }
    }

    /** The energy model family and architecture. */
    public record ModelSpec(String type, int[] hidden, Activation activation, List<ConvEnergy.ConvLayer> convLayers,
                            int gmmComponents, int[] frozenLogWeights, double logWeightLrScale, double baseStd,
                            String basePath, boolean zeroOutput, int classes) implements Serializable {

        /** A classifier-energy hybrid (jem, mjem). */
        public boolean hybrid() {
            return type.equals("jem") || type.equals("mjem");
        }

        /** A model with zero θ for samples of the given shape. */
        public EnergyModel create(int[] sampleShape, DataType type) {
            return switch (this.type) {
                case "gmm" -> {
                    int d = flat(sampleShape);
                    boolean[] frozen = new boolean[gmmComponents * d + gmmComponents];
                    for (int k : frozenLogWeights) {
                        frozen[gmmComponents * d + k] = true;
                    }
                    yield new GaussianMixtureEnergy(gmmComponents, d, frozen, type);
                }
                case "mlp" -> withBase(new MlpEnergy(sampleShape, hidden, activation, type));
                case "conv" -> withBase(new ConvEnergy(sampleShape, convLayers, type));
                case "jem", "mjem" -> new org.sparkebm.core.model.HybridEnergy(this.type.equals("jem")
                        ? org.sparkebm.core.model.HybridEnergy.Kind.JEM : org.sparkebm.core.model.HybridEnergy.Kind.MJEM,
                        classes, sampleShape, hidden, activation, type);
                default -> throw new IllegalStateException(this.type);
            };
        }

        private EnergyModel withBase(EnergyModel m) {
            if (basePath != null) {
                return new org.sparkebm.core.model.GaussianBaseEnergy(m, org.sparkebm.core.model.FittedGaussian.read(basePath));
            }
            return baseStd > 0 ? new org.sparkebm.core.model.GaussianBaseEnergy(m, baseStd) : m;
        }

        /** Whether exact draws from the initial model are possible (chains.init = model). */
        public boolean initialModelSampleable() {
            return type.equals("gmm") || ((baseStd > 0 || basePath != null) && zeroOutput);
        }

        /** The model with its seeded initial θ_0. */
        public EnergyModel initial(int[] sampleShape, long runSeed, DataType type) {
            EnergyModel m = create(sampleShape, type);
            SplittableRandom rng = Seeds.random(runSeed, Seeds.Purpose.MODEL_INIT, 0, 0, 0);
            EnergyModel f = m instanceof org.sparkebm.core.model.GaussianBaseEnergy b ? b.inner() : m;
            if (f instanceof org.sparkebm.core.model.HybridEnergy h) {
                h.initialise(rng);
            } else if (f instanceof MlpEnergy mlp) {
                mlp.initialise(rng);
                if (zeroOutput) {
                    mlp.zeroOutputLayer();
                }
            } else if (f instanceof ConvEnergy conv) {
                conv.initialise(rng);
                if (zeroOutput) {
                    conv.zeroOutputLayer();
                }
            } else if (m instanceof GaussianMixtureEnergy g) {
                // W1: means ~ 0.01 N(0, I), first coordinates spread over [-0.1, 0.1], z = 0 (equal weights)
                int d = flat(sampleShape);
                double[] theta = new double[(int) g.numParams()];
                for (int k = 0; k < gmmComponents; k++) {
                    for (int j = 0; j < d; j++) {
                        theta[g.meanIndex(k, j)] = 0.01 * rng.nextGaussian();
                    }
                    theta[g.meanIndex(k, 0)] = gmmComponents == 1 ? 0 : -0.1 + 0.2 * k / (gmmComponents - 1);
                }
                g.setParams(Nd4j.createFromArray(theta).castTo(type));
            }
            return m;
        }

        /** Per-parameter learning-rate multipliers, or null when all are 1. */
        public float[] lrScale(EnergyModel m) {
            if (!(m instanceof GaussianMixtureEnergy g) || logWeightLrScale == 1.0) {
                return null;
            }
            float[] s = new float[(int) g.numParams()];
            java.util.Arrays.fill(s, 1f);
            for (int k = 0; k < gmmComponents; k++) {
                s[g.logWeightIndex(k)] = (float) logWeightLrScale;
            }
            return s;
        }

        private static int flat(int[] shape) {
            int d = 1;
            for (int s : shape) {
                d *= s;
            }
            return d;
        }
    }

    /** Chain storage and initialisation. */
    public record ChainSpec(int buffer, String init, double uniformLow, double uniformHigh,
                            GaussianInit.Covariance covariance,
                            org.sparkebm.core.sampling.ReplayBuffer.Storage storage) implements Serializable {
        /**
         * The initialiser of a device, fitted to its own shard where needed.
         *
         * @param initial  the initial model (needed by {@code model}: exact draws from a mixture energy), or null
         * @param basePath model.basePath (exact draws from a fitted Gaussian base), or null
         */
        public ChainInitializer build(Dataset shard, double clampMin, double clampMax, EnergyModel initial,
                                      String basePath) {
            return switch (init) {
                case "model" -> initial instanceof GaussianMixtureEnergy g ? new org.sparkebm.core.sampling.MixtureInit(g)
                        : ((org.sparkebm.core.model.GaussianBaseEnergy) initial).fitted() != null
                        ? new org.sparkebm.core.sampling.FittedGaussianInit(shard.dim(), basePath)
                        : new org.sparkebm.core.sampling.IsotropicGaussianInit(shard.dim(),
                                ((org.sparkebm.core.model.GaussianBaseEnergy) initial).std());
                case "uniform" -> new UniformInit(shard.dim(), uniformLow, uniformHigh);
                case "data" -> new DataInit(shard.dim());
                case "gaussian" -> GaussianInit.fit(shard, covariance, 1e-4, clampMin, clampMax);
                default -> throw new IllegalStateException(init);
            };
        }
    }

    /** The driver-side optimiser. */
    public record OptimiserSpec(String type, double lr, double beta1, double beta2) implements Serializable {
        public Optimiser create(long numParams, float[] lrScale) {
            IUpdater u = type.equals("sgd") ? new Sgd(lr) : new Adam(lr, beta1, beta2, 1e-8);
            return new Nd4jOptimiser(u, numParams, lrScale);
        }
    }

    /** Loads a config file with {@code key=value} overrides and validates it. */
    public static RunConfig load(Path file, List<String> overrides) {
        return parse(Settings.load(file, overrides));
    }

    /** Rebuilds a config from its {@link #resolved()} map. */
    public static RunConfig fromMap(Map<String, String> map, String source) {
        return parse(Settings.of(map, source));
    }

    /** Validates everything; every error names the key. */
    public static RunConfig parse(Settings s) {
        String name = s.string(Keys.RUN_NAME);
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw s.bad(Keys.RUN_NAME, "only letters, digits, '.', '_' and '-' are allowed");
        }
        DataSpec data = parseData(s);
        ModelSpec model = parseModel(s);
        int devices = s.intAtLeast(Keys.DEVICES_COUNT, 1);
        if (data.synthetic() && devices > data.rows()) {
            throw s.bad(Keys.DEVICES_COUNT, "more devices than rows of data (" + data.rows() + ")");
        }
        double clampMin = s.doubleValue(Keys.SAMPLER_CLAMP_MIN);
        double clampMax = s.doubleValue(Keys.SAMPLER_CLAMP_MAX);
        if (!(clampMin < clampMax)) {
            throw s.bad(Keys.SAMPLER_CLAMP_MAX, "must be above sampler.clampMin");
        }
        String samplerType = s.choice(Keys.SAMPLER_TYPE, "ula", "sgld");
        double h = s.doubleIn(Keys.SAMPLER_STEP_SIZE, 0, true, Double.POSITIVE_INFINITY, true);
        double noise = s.doubleIn(Keys.SAMPLER_NOISE, 0, false, Double.POSITIVE_INFINITY, true);
        LangevinSampler sampler = (samplerType.equals("ula") ? LangevinSampler.ula(h) : LangevinSampler.sgld(h, noise))
                .withGradClip(s.doubleIn(Keys.SAMPLER_GRAD_CLIP, 0, false, Double.POSITIVE_INFINITY, true))
                .withClamp(clampMin, clampMax);
        // every key is range-checked whether or not this run uses it: a typo'd value never waits silently
        String sc = s.choice(Keys.SAMPLER_COMPRESS, "none", "topk", "blocksign");
        double sDensity = s.doubleIn(Keys.SAMPLER_COMPRESS_DENSITY, 0, true, 1, false);
        int sBlock = s.intAtLeast(Keys.SAMPLER_COMPRESS_BLOCK, 1);
        if (!sc.equals("none")) {
            sampler = sampler.withCompressor(sc.equals("topk") ? TopK.ofDensity(sDensity) : new BlockSign(sBlock));
        }
        String ct = s.choice(Keys.COMPRESS_TYPE, "none", "topk", "blocksign");
        int k = s.intAtLeast(Keys.COMPRESS_K, 0);
        double density = s.doubleIn(Keys.COMPRESS_DENSITY, 0, true, 1, false);
        int block = s.intAtLeast(Keys.COMPRESS_BLOCK, 1);
        Compressor compressor = switch (ct) {
            case "topk" -> k > 0 ? TopK.ofCount(k) : TopK.ofDensity(density);
            case "blocksign" -> new BlockSign(block);
            default -> new Identity();
        };
        boolean ef = s.bool(Keys.COMPRESS_ERROR_FEEDBACK) && !ct.equals("none");
        ChainSpec chains = new ChainSpec(s.intAtLeast(Keys.CHAINS_BUFFER, 1),
                s.choice(Keys.CHAINS_INIT, "uniform", "data", "gaussian", "model"),
                s.doubleValue(Keys.CHAINS_UNIFORM_LOW), s.doubleValue(Keys.CHAINS_UNIFORM_HIGH),
                s.choice(Keys.CHAINS_GAUSSIAN_COV, "full", "diagonal").equals("full")
                        ? GaussianInit.Covariance.FULL : GaussianInit.Covariance.DIAGONAL,
                org.sparkebm.core.sampling.ReplayBuffer.Storage.valueOf(
                        s.choice(Keys.CHAINS_STORAGE, "fp32", "bf16", "u8").toUpperCase(java.util.Locale.ROOT)));
        if (!(chains.uniformLow() < chains.uniformHigh())) {
            throw s.bad(Keys.CHAINS_UNIFORM_HIGH, "must be above chains.uniform.low");
        }
        org.sparkebm.core.privacy.PrivacySpec privacy = new org.sparkebm.core.privacy.PrivacySpec(
                s.doubleIn(Keys.PRIVACY_CLIP, 0, false, Double.POSITIVE_INFINITY, true),
                s.doubleIn(Keys.PRIVACY_NOISE, 0, true, Double.POSITIVE_INFINITY, true),
                s.choice(Keys.PRIVACY_NOISE_AT, "device", "driver"), s.doubleIn(Keys.PRIVACY_DELTA, 0, true, 1, true),
                s.doubleIn(Keys.PRIVACY_BUDGET, 0, true, Double.POSITIVE_INFINITY, false));
        String sampling = s.choice(Keys.DEVICES_SAMPLING, "fixed", "poisson");
        if (privacy.enabled()) {
            if (s.doubleValue(Keys.DEVICES_FRACTION) < 1 && !sampling.equals("poisson")) {
                throw s.bad(Keys.DEVICES_SAMPLING, "the privacy accountant covers Poisson sampling of devices: set"
                        + " devices.sampling = poisson (or devices.fraction = 1)");
            }
            if (privacy.where().equals("driver") && ef) {
                throw s.bad(Keys.PRIVACY_NOISE_AT, "driver-side noise bounds each message by C only without error"
                        + " feedback: set compress.errorFeedback = false, or privacy.noiseAt = device");
            }
        }
        StepSpec step = new StepSpec(s.intAtLeast(Keys.TRAIN_BATCH, 1), s.intAtLeast(Keys.TRAIN_CHAINS, 1),
                s.intAtLeast(Keys.SAMPLER_STEPS, 0), s.doubleIn(Keys.TRAIN_L2, 0, false, Double.POSITIVE_INFINITY, true),
                sampler, s.doubleIn(Keys.CHAINS_REINIT, 0, false, 1, false), s.intAtLeast(Keys.TRAIN_RESET_EVERY, 0),
                compressor, ef, privacy.enabled() ? privacy : null, hybrid(s, model));
        String method = s.choice(Keys.TRAIN_METHOD, "pcd", "cd", "jarzynski");
        if (method.equals("cd") && step.resetEvery() == 0) {
            throw s.bad(Keys.TRAIN_RESET_EVERY, "train.method = cd restarts chains every train.resetEvery rounds: set it >= 1");
        }
        if (method.equals("pcd") && step.resetEvery() > 0) {
            throw s.bad(Keys.TRAIN_RESET_EVERY, "train.method = pcd never restarts chains: use 0, or train.method = cd");
        }
        org.sparkebm.core.train.JarzynskiSpec jspec = new org.sparkebm.core.train.JarzynskiSpec(
                s.doubleIn(Keys.JARZYNSKI_THRESHOLD, 0, false, Double.POSITIVE_INFINITY, true),
                s.doubleIn(Keys.JARZYNSKI_ESS_FRACTION, 0, false, 1, true),
                s.choice(Keys.JARZYNSKI_RESAMPLING, "island", "global"));
        if (method.equals("jarzynski")) {
            if (step.privacy() != null && !chains.init().equals("model") && !chains.init().equals("uniform")) {
                throw s.bad(Keys.CHAINS_INIT, "with privacy, Jarzynski sends its weighted model part un-noised, which"
                        + " is private only if the walkers start independently of the data: use 'model' (or 'uniform'),"
                        + " not '" + chains.init() + "'");
            }
            if (!samplerType.equals("ula")) {
                throw s.bad(Keys.SAMPLER_TYPE, "Jarzynski weights are derived for ULA moves: use sampler.type = ula");
            }
            if (step.reinitFraction() > 0) {
                throw s.bad(Keys.CHAINS_REINIT, "Jarzynski walkers are never re-initialised: use 0");
            }
            if (step.chains() < chains.buffer()) {
                throw s.bad(Keys.TRAIN_CHAINS, "Jarzynski advances every walker each round: train.chains must be >= chains.buffer");
            }
            if (chains.storage() != org.sparkebm.core.sampling.ReplayBuffer.Storage.FP32) {
                throw s.bad(Keys.CHAINS_STORAGE, "Jarzynski weights assume the walkers move exactly as simulated: use fp32");
            }
            if (s.doubleValue(Keys.DEVICES_FRACTION) < 1) {
                throw s.bad(Keys.DEVICES_FRACTION, "Jarzynski needs every device every round (weights are global): use 1.0");
            }
            if (sampler.compressor() != null || sampler.gradClip() > 0 || clampMin > Double.NEGATIVE_INFINITY
                    || clampMax < Double.POSITIVE_INFINITY) {
                throw new ConfigException("train.method = jarzynski: the weights assume plain ULA moves; remove"
                        + " sampler.compress, sampler.gradClip and sampler.clampMin/Max");
            }
        }
        if (model.hybrid()) {
            if (method.equals("jarzynski")) {
                throw s.bad(Keys.TRAIN_METHOD, "jem / mjem train with PCD or CD chains (M-EBM sampler), not Jarzynski");
            }
            boolean labelled = data.source().equals("idx") ? data.labels() != null : data.labelColumn() != null;
            if (!labelled) {
                throw s.bad(Keys.MODEL_TYPE, model.type() + " is a classifier too: it needs labelled data"
                        + " (data.source = idx with data.labels, or csv / parquet / frame with data.labelColumn)");
            }
        }
        if (chains.storage() == org.sparkebm.core.sampling.ReplayBuffer.Storage.U8
                && !(Double.isFinite(clampMin) && Double.isFinite(clampMax))) {
            throw s.bad(Keys.CHAINS_STORAGE, "8-bit storage quantises the sampler's clamp range: set sampler.clampMin"
                    + " and sampler.clampMax (e.g. -1 and 1 for images), or use bf16");
        }
        if (privacy.enabled() && data.projection() != null) {
            throw s.bad(Keys.DATA_PROJECTION, "the projection is derived from all the data and is not covered by the"
                    + " privacy accountant");
        }
        if (data.projection() != null && model.type().equals("conv")) {
            throw s.bad(Keys.DATA_PROJECTION, "projected data are vectors of principal coordinates: use model.type = mlp,"
                    + " jem or mjem, not conv");
        }
        if (privacy.enabled() && model.basePath() != null) {
            throw s.bad(Keys.MODEL_BASE_PATH, "the fitted Gaussian base is derived from all the data and is not covered by"
                    + " the privacy accountant: use model.baseStd with privacy");
        }
        if (chains.init().equals("model") && !model.initialModelSampleable()) {
            throw s.bad(Keys.CHAINS_INIT, "'model' draws exactly from the initial model: needs model.type = gmm, or"
                    + " model.baseStd > 0 or model.basePath, with model.zeroOutput = true");
        }
        OptimiserSpec opt = new OptimiserSpec(s.choice(Keys.OPT_TYPE, "sgd", "adam"),
                s.doubleIn(Keys.OPT_LR, 0, true, Double.POSITIVE_INFINITY, true),
                s.doubleIn(Keys.OPT_BETA1, 0, false, 1, true), s.doubleIn(Keys.OPT_BETA2, 0, false, 1, true));
        return new RunConfig(s.resolved(), name, s.longValue(Keys.RUN_SEED), s.intAtLeast(Keys.RUN_ROUNDS, 1),
                s.string(Keys.RUN_OUTPUT_DIR), s.choice(Keys.RUN_IF_EXISTS, "fail", "new", "resume"),
                s.intAtLeast(Keys.RUN_LOG_EVERY, 1), s.intAtLeast(Keys.RUN_SAMPLES, 1), devices,
                s.doubleIn(Keys.DEVICES_FRACTION, 0, true, 1, false), data, model, chains, step, opt,
                s.optional(Keys.SPARK_MASTER), s.intAtLeast(Keys.SPARK_CHECKPOINT_EVERY, 1),
                s.intAtLeast(Keys.SPARK_TREE_DEPTH, 1), method, jspec, s.choice(Keys.RUN_ENGINE, "spark", "local"),
                new Recovery(s.intAtLeast(Keys.CHECKPOINT_EVERY, 1), s.intAtLeast(Keys.CHECKPOINT_KEEP, 1),
                        s.intAtLeast(Keys.RECOVERY_MAX_ROLLBACKS, 0), s.doubleIn(Keys.RECOVERY_LR_FACTOR, 0, true, 1, false),
                        s.doubleIn(Keys.RECOVERY_MAX_ENERGY, 0, true, Double.POSITIVE_INFINITY, false)),
                sampling, privacy);
    }

    /** The hybrid objective of jem / mjem models, or null. */
    private static StepSpec.Hybrid hybrid(Settings s, ModelSpec model) {
        if (!model.hybrid()) {
            return null;
        }
        double cw = s.doubleIn(Keys.TRAIN_CLF_WEIGHT, 0, false, Double.POSITIVE_INFINITY, true);
        double gw = s.doubleIn(Keys.TRAIN_GEN_WEIGHT, 0, false, Double.POSITIVE_INFINITY, true);
        if (cw == 0 && gw == 0) {
            throw s.bad(Keys.TRAIN_CLF_WEIGHT, "train.clfWeight and train.genWeight are both 0: nothing to train");
        }
        return new StepSpec.Hybrid(cw, gw, s.intAtLeast(Keys.TRAIN_CLF_BATCH, 1),
                s.choice(Keys.TRAIN_AUGMENT, "none", "flip-shift").equals("flip-shift"));
    }

    private static DataSpec parseData(Settings s) {
        String source = s.choice(Keys.DATA_SOURCE, "gmm", "two-modes", "eight-gaussians", "rings", "idx", "csv", "parquet",
                "frame");
        double[][] means = null;
        double[] weights = null;
        if (source.equals("gmm")) {
            String[] pts = s.string(Keys.DATA_MEANS).split(";");
            means = new double[pts.length][];
            for (int i = 0; i < pts.length; i++) {
                try {
                    means[i] = java.util.Arrays.stream(pts[i].split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
                } catch (NumberFormatException e) {
                    throw s.bad(Keys.DATA_MEANS, "point " + (i + 1) + " is not numbers");
                }
                if (means[i].length != means[0].length) {
                    throw s.bad(Keys.DATA_MEANS, "points differ in dimension");
                }
            }
            weights = s.doubles(Keys.DATA_WEIGHTS);
            if (weights.length != means.length) {
                throw s.bad(Keys.DATA_WEIGHTS, weights.length + " weights for " + means.length + " means");
            }
            for (double w : weights) {
                if (!(w > 0)) {
                    throw s.bad(Keys.DATA_WEIGHTS, "weights must be positive");
                }
            }
        }
        String path = s.optional(Keys.DATA_PATH);
        if ((source.equals("idx") || source.equals("csv") || source.equals("parquet"))
                && (path == null || path.isBlank())) {
            throw new ConfigException("data.source = " + source + " needs data.path");
        }
        String cols = s.optional(Keys.DATA_COLUMNS);
        List<String> columns = cols == null || cols.isBlank() ? null
                : java.util.Arrays.stream(cols.split(",")).map(String::trim).toList();
        if (columns != null && (columns.contains("") || new java.util.HashSet<>(columns).size() != columns.size())) {
            throw s.bad(Keys.DATA_COLUMNS, "empty or repeated column name");
        }
        boolean standardize = s.bool(Keys.DATA_STANDARDIZE);
        String labelColumn = s.optional(Keys.DATA_LABEL_COLUMN);
        labelColumn = labelColumn == null || labelColumn.isBlank() ? null : labelColumn.trim();
        if (labelColumn != null && !(source.equals("csv") || source.equals("parquet") || source.equals("frame"))) {
            throw s.bad(Keys.DATA_LABEL_COLUMN, "applies to csv, parquet or frame data (IDX labels: data.labels)");
        }
        if (labelColumn != null && columns != null && columns.contains(labelColumn)) {
            throw s.bad(Keys.DATA_LABEL_COLUMN, "'" + labelColumn + "' is also in data.columns: a label is never a feature");
        }
        if ((columns != null || standardize) && !(source.equals("csv") || source.equals("parquet") || source.equals("frame"))) {
            throw new ConfigException((columns != null ? "data.columns" : "data.standardize")
                    + " applies to csv, parquet or frame data, not data.source = " + source);
        }
        int[] classes = s.ints(Keys.DATA_CLASSES);
        int[] counts = s.ints(Keys.DATA_CLASS_COUNTS);
        if (counts != null && (classes == null || counts.length != classes.length)) {
            throw s.bad(Keys.DATA_CLASS_COUNTS, "needs data.classes with one count per class");
        }
        if (classes != null && s.optional(Keys.DATA_LABELS) == null) {
            throw s.bad(Keys.DATA_CLASSES, "a class filter needs data.labels");
        }
        return new DataSpec(source, s.intAtLeast(Keys.DATA_ROWS, 1), s.intAtLeast(Keys.DATA_DIM, 1),
                s.doubleIn(Keys.DATA_P1, 0, true, 1, true), means, weights,
                s.doubleIn(Keys.DATA_STD, 0, true, Double.POSITIVE_INFINITY, true), path, s.optional(Keys.DATA_LABELS),
                classes, counts, s.intAtLeast(Keys.DATA_LIMIT, 0), s.bool(Keys.DATA_CSV_HEADER), columns, standardize, labelColumn,
                projection(s, source));
    }

    private static String projection(Settings s, String source) {
        String p = s.optional(Keys.DATA_PROJECTION);
        if (p == null || p.isBlank()) {
            return null;
        }
        if (!source.equals("idx")) {
            throw s.bad(Keys.DATA_PROJECTION, "applies to data.source = idx, not " + source);
        }
        // read (and cached) now, so a missing or corrupt file is reported before any work starts
        try {
            org.sparkebm.core.data.PcaProjection.read(p.trim());
        } catch (RuntimeException e) {
            throw s.bad(Keys.DATA_PROJECTION, "cannot read the projection file (write it with submit/sparkebm.sh"
                    + " fit-projection): " + e.getMessage());
        }
        return p.trim();
    }

    private static ModelSpec parseModel(Settings s) {
        String type = s.choice(Keys.MODEL_TYPE, "gmm", "mlp", "conv", "jem", "mjem");
        int[] hidden = s.ints(Keys.MODEL_HIDDEN);
        for (int h : hidden) {
            if (h < 1) {
                throw s.bad(Keys.MODEL_HIDDEN, "widths must be >= 1");
            }
        }
        Activation act;
        try {
            act = Activation.parse(s.string(Keys.MODEL_ACTIVATION));
        } catch (IllegalArgumentException e) {
            throw s.bad(Keys.MODEL_ACTIVATION, e.getMessage());
        }
        if (type.equals("conv") && act != Activation.SILU) {
            throw s.bad(Keys.MODEL_ACTIVATION, "the conv energy supports silu only");
        }
        List<ConvEnergy.ConvLayer> layers = new ArrayList<>();
        for (String l : s.string(Keys.MODEL_CONV_LAYERS).split(",")) {
            String[] f = l.trim().split(":");
            try {
                layers.add(new ConvEnergy.ConvLayer(Integer.parseInt(f[0]), Integer.parseInt(f[1]),
                        Integer.parseInt(f[2]), Integer.parseInt(f[3])));
            } catch (RuntimeException e) {
                throw s.bad(Keys.MODEL_CONV_LAYERS, "layer '" + l + "' is not out:kernel:stride:pad with out, kernel, stride >= 1");
            }
        }
        int comps = s.intAtLeast(Keys.MODEL_GMM_COMPONENTS, 1);
        int[] frozen = s.ints(Keys.MODEL_GMM_FROZEN_Z);
        frozen = frozen == null ? new int[0] : frozen;
        for (int k : frozen) {
            if (k < 0 || k >= comps) {
                throw s.bad(Keys.MODEL_GMM_FROZEN_Z, "component " + k + " does not exist");
            }
        }
        double baseStd = s.doubleIn(Keys.MODEL_BASE_STD, 0, false, Double.POSITIVE_INFINITY, true);
        String basePath = s.optional(Keys.MODEL_BASE_PATH);
        basePath = basePath == null || basePath.isBlank() ? null : basePath.trim();
        if (basePath != null && baseStd > 0) {
            throw s.bad(Keys.MODEL_BASE_PATH, "a model has one Gaussian base: set model.basePath or model.baseStd, not both");
        }
        if (basePath != null && !(type.equals("mlp") || type.equals("conv"))) {
            throw s.bad(Keys.MODEL_BASE_PATH, "the Gaussian base applies to mlp and conv energies, not " + type);
        }
        if (baseStd > 0 && !(type.equals("mlp") || type.equals("conv"))) {
            throw s.bad(Keys.MODEL_BASE_STD, "the Gaussian base applies to mlp and conv energies, not " + type);
        }
        if (basePath != null) {
            // read (and cached) now, so a missing or corrupt file is reported before any work starts
            try {
                org.sparkebm.core.model.FittedGaussian.read(basePath);
            } catch (RuntimeException e) {
                throw s.bad(Keys.MODEL_BASE_PATH, "cannot read the Gaussian base file (write it with"
                        + " the fit-base command): " + e.getMessage());
            }
        }
        return new ModelSpec(type, hidden, act, layers, comps, frozen,
                s.doubleIn(Keys.MODEL_GMM_Z_LR_SCALE, 0, true, Double.POSITIVE_INFINITY, true),
                baseStd, basePath, s.bool(Keys.MODEL_ZERO_OUTPUT), s.intAtLeast(Keys.MODEL_CLASSES, 2));
    }

    /** Energy model ready for the given sample shape, checking that the architecture fits it. */
    public EnergyModel initialModel(int[] sampleShape) {
        try {
            return model.initial(sampleShape, seed, DataType.FLOAT);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("model.* does not fit data of shape " + java.util.Arrays.toString(sampleShape)
                    + ": " + e.getMessage());
        }
    }
}
