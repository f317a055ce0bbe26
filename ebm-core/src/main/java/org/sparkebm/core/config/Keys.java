package org.sparkebm.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkebm.core.data.DataSource;
import org.sparkebm.core.model.Activation;
import org.sparkebm.core.model.ConvEnergy;
import org.sparkebm.core.model.ModelType;
import org.sparkebm.core.privacy.NoiseAt;
import org.sparkebm.core.sampling.ChainInit;
import org.sparkebm.core.sampling.GaussianInit;
import org.sparkebm.core.sampling.ReplayBuffer;

/** Every configuration key of a run, each declared exactly once. {@code docs/config.md} is generated from this. */
public final class Keys {
    private static final Map<String, Key<?>> ALL = new LinkedHashMap<>();

    private static <T> Key<T> key(String name, Type<T> type, String def, String doc) {
        Key<T> k = new Key<>(name, type, def, doc);
        if (ALL.put(name, k) != null) {
            throw new IllegalStateException("duplicate key " + name);
        }
        return k;
    }

    // run
    public static final Key<String> RUN_NAME = key("run.name", Type.matching("[A-Za-z0-9._-]+", "only letters, digits, '.', '_' and '-' are allowed"), null, "Run name; the run directory is <run.outputDir>/<run.name>. Required.");
    public static final Key<Long> RUN_SEED = key("run.seed", Type.longs(), "0", "The one seed every random draw of the run is derived from.");
    public static final Key<Integer> RUN_ROUNDS = key("run.rounds", Type.intAtLeast(1), "100", "Training rounds T.");
    public static final Key<String> RUN_OUTPUT_DIR = key("run.outputDir", Type.text("Hadoop path"), "runs", "Parent directory of run directories (file://, hdfs:// or a local path).");
    public static final Key<IfExists> RUN_IF_EXISTS = key("run.ifExists", Type.choice(IfExists.class), "fail", "When the run directory exists: fail with a message, write to a new numbered directory <name>-2, -3, ..., or resume from its newest valid checkpoint (a finished run is left as it is).");
    public static final Key<Integer> RUN_LOG_EVERY = key("run.logEvery", Type.intAtLeast(1), "1", "Print a progress line every this many rounds.");
    public static final Key<Engine> RUN_ENGINE = key("run.engine", Type.choice(Engine.class), "spark", "spark: devices are Spark partitions. local: the same rounds folded in this JVM without Spark (bit-for-bit the same theta; for small experiments and sweeps).");
    public static final Key<Integer> RUN_SAMPLES = key("run.samples", Type.intAtLeast(1), "64", "Chains shown in the sample PNG.");
    // devices
    public static final Key<Integer> DEVICES_COUNT = key("devices.count", Type.intAtLeast(1), "4", "Devices P = Spark partitions; each holds its own data shard and chains.");
    public static final Key<Double> DEVICES_FRACTION = key("devices.fraction", Type.in(0, true, 1, false), "1.0", "Fraction of devices drawn (seeded, without replacement) each round; at least one.");
    public static final Key<DeviceSampling> DEVICES_SAMPLING = key("devices.sampling", Type.choice(DeviceSampling.class), "fixed", "fixed: exactly round(fraction P) devices per round; poisson: each device independently with probability devices.fraction (what the privacy accountant assumes).");
    // data
    public static final Key<DataSource> DATA_SOURCE = key("data.source", Type.choice(DataSource.class), "gmm", "Where the data comes from: generated from the seed, an IDX file, a CSV or Parquet file read by Spark's own readers (feature columns data.columns; Parquet images with data.shape), a folder of PNG/JPEG images read by Spark's image source (images: data.shape; the class of an image is its subfolder, in name order), or (frame) the DataFrame given to the Spark ML estimator org.sparkebm.spark.ml.EbmEstimator (not from a config file).");
    public static final Key<Integer> DATA_ROWS = key("data.rows", Type.intAtLeast(1), "10000", "Rows to generate (synthetic sources).");
    public static final Key<Integer> DATA_DIM = key("data.dim", Type.intAtLeast(1), "50", "Dimension of two-modes data (W1: 50).");
    public static final Key<Double> DATA_P1 = key("data.p1", Type.in(0, true, 1, true), "0.25", "Weight of the mode at -10 e1 (two-modes).");
    public static final Key<double[][]> DATA_MEANS = key("data.means", Type.points(), "-2.5,0;2.5,0", "Component means (gmm).");
    public static final Key<double[]> DATA_WEIGHTS = key("data.weights", Type.doubleList(true), "0.2,0.8", "Component weights (gmm), one per mean.");
    public static final Key<Double> DATA_STD = key("data.std", Type.above(0, true), "0.5", "Component standard deviation (gmm); ring noise (rings).");
    public static final Key<String> DATA_PATH = key("data.path", Type.text("Hadoop path"), null, "IDX image file (gzip or not) for data.source=idx; a CSV file or directory, or a Parquet file or directory, for csv and parquet; a folder of PNG/JPEG files (in class subfolders for labels) for images.");
    public static final Key<Boolean> DATA_CSV_HEADER = key("data.csv.header", Type.bool(), "true", "The CSV file's first line names the columns.");
    public static final Key<List<String>> DATA_COLUMNS = key("data.columns", Type.names(), null, "Feature columns of CSV or Parquet data, in this order (default: every column; each must be numeric). Without a CSV header Spark names the columns _c0, _c1, ...");
    public static final Key<String> DATA_LABEL_COLUMN = key("data.labelColumn", Type.text("column name"), null, "CSV, Parquet or frame data: the integer class-label column (0 .. model.classes-1) that jem / mjem models classify; never a feature.");
    public static final Key<int[]> DATA_SHAPE = key("data.shape", Type.ints(1, "C,H,W"), null, "Images of C channels, H rows and W columns: every image of data.source = images must have this shape (grey 1, RGB 3, RGBA 4 channels; pixels 0..255 become -1..1, as IDX pixels do), and Parquet data holds one image per row in the single column data.columns names: an array of C*H*W numbers in C,H,W order, taken as they are, or binary of C*H*W bytes, 0..255 scaled like pixels.");
    public static final Key<Boolean> DATA_STANDARDIZE = key("data.standardize", Type.bool(), "false", "Standardise each feature column to mean 0 and standard deviation 1 (statistics from the training data, kept in model.bin and applied again when scoring).");
    public static final Key<String> DATA_LABELS = key("data.labels", Type.text("Hadoop path"), null, "IDX label file; needed by data.classes.");
    public static final Key<int[]> DATA_CLASSES = key("data.classes", Type.ints(0, "list of ints"), null, "Keep only these classes (needs data.labels).");
    public static final Key<int[]> DATA_CLASS_COUNTS = key("data.classCounts", Type.ints(0, "list of ints"), null, "Per-class counts aligned with data.classes (first ones in file order).");
    public static final Key<String> DATA_PROJECTION = key("data.projection", Type.text("Hadoop path (empty: none)"), null, "Train on the whitened principal coordinates of IDX data: a PCA projection file written by submit/sparkebm.sh fit-projection (mean, m leading directions, their scales). Samples are drawn as images through its reconstruction. Derived from all the data: not with privacy, not with model.type = conv.");
    public static final Key<Integer> DATA_LIMIT = key("data.limit", Type.intAtLeast(0), "0", "Read at most this many images or table rows (0: all).");
    // model
    public static final Key<ModelType> MODEL_TYPE = key("model.type", Type.choice(ModelType.class), "mlp", "Energy model family. jem / mjem: hybrid classifier-energy models on an MLP trunk (model.hidden) with model.classes logits; jem: E(x) = -logsumexp_y f(x)[y]; mjem: a separate energy head on the classifier's features. They need labelled data (IDX with data.labels, or a table with data.labelColumn).");
    public static final Key<Integer> MODEL_CLASSES = key("model.classes", Type.intAtLeast(2), "10", "Classes K of the jem / mjem classifier (labels in [0, K)).");
    public static final Key<int[]> MODEL_HIDDEN = key("model.hidden", Type.ints(1, "list of ints"), "64,64", "MLP hidden widths.");
    public static final Key<Activation> MODEL_ACTIVATION = key("model.activation", Type.choice(Activation.class), "silu", "Hidden activation (conv: silu only).");
    public static final Key<List<ConvEnergy.ConvLayer>> MODEL_CONV_LAYERS = key("model.conv.layers", Type.list("list of out:kernel:stride:pad", Keys::convLayer), "32:3:1:1,64:4:2:1,64:4:2:1", "Conv layers, each followed by SiLU; then flatten and Dense(1). The default is W2's net.");
    public static final Key<Integer> MODEL_GMM_COMPONENTS = key("model.gmm.components", Type.intAtLeast(1), "2", "Mixture components of the gmm energy: unit covariance; the means start within 0.1 of the origin (first coordinates spread over [-0.1, 0.1], the rest 0.01 N(0, I)) with equal weights, so which component takes which mode is decided by training (summary.json reports each weight with its learned mean).");
    public static final Key<int[]> MODEL_GMM_FROZEN_Z = key("model.gmm.frozenLogWeights", Type.ints(0, "list of ints"), "0", "Components whose log-weight z_k is held fixed (W1 holds z_1).");
    public static final Key<Double> MODEL_GMM_Z_LR_SCALE = key("model.gmm.logWeightLrScale", Type.above(0, true), "1.0", "Learning-rate multiplier of the log-weights relative to the means (W1: 5).");
    public static final Key<Double> MODEL_BASE_STD = key("model.baseStd", Type.above(0, false), "0", "Add a Gaussian base |x|^2/(2 s^2) to the mlp/conv energy (0: none).");
    public static final Key<Boolean> MODEL_ZERO_OUTPUT = key("model.zeroOutput", Type.bool(), "false", "Start the mlp/conv output layer at zero, so the initial model is the Gaussian base (model.baseStd or model.basePath) and chains.init=model can draw from it.");
    public static final Key<String> MODEL_BASE_PATH = key("model.basePath", Type.text("Hadoop path (empty: none)"), null, "Add a full-covariance Gaussian base N(mu, Sigma) fitted to the data (a file written by the fit-base command) to the mlp/conv energy; with model.zeroOutput the initial model is that Gaussian, so chains.init=model draws data-like walkers. Not with privacy (the base is derived from all the data).");
    // training
    public static final Key<Method> TRAIN_METHOD = key("train.method", Type.choice(Method.class), "pcd", "PCD (persistent chains), CD (chains restart every train.resetEvery rounds) or Jarzynski-weighted walkers (Carbone, Hua, Coste and Vanden-Eijnden, Efficient Training of Energy-Based Models Using Jarzynski Equality, 2023).");
    public static final Key<Integer> TRAIN_BATCH = key("train.batch", Type.intAtLeast(1), "64", "Positives per device per round (>= shard size: the whole shard).");
    public static final Key<Integer> TRAIN_CHAINS = key("train.chains", Type.intAtLeast(1), "64", "Negatives per device per round (>= chains.buffer: every chain).");
    public static final Key<Double> TRAIN_L2 = key("train.l2", Type.above(0, false), "0.0", "L2 weight a on the energies of positives and negatives (M-EBM).");
    public static final Key<Double> TRAIN_CLF_WEIGHT = key("train.clfWeight", Type.above(0, false), "1.0", "jem / mjem: weight of the classification cross-entropy L_clf in L = L_clf + L_gen.");
    public static final Key<Double> TRAIN_GEN_WEIGHT = key("train.genWeight", Type.above(0, false), "1.0", "jem / mjem: weight of the maximum-likelihood term L_gen; 0 trains the same network as a plain classifier (no chains, no Langevin).");
    public static final Key<Integer> TRAIN_CLF_BATCH = key("train.clfBatch", Type.intAtLeast(1), "64", "jem / mjem: labelled rows per device per round for L_clf, drawn independently of the generative batch (train.batch).");
    public static final Key<Augment> TRAIN_AUGMENT = key("train.augment", Type.choice(Augment.class), "flip-shift", "jem / mjem: augmentation of the classification batch only (images: random horizontal flip and shift by up to 2 pixels); the generative batch is never augmented.");
    public static final Key<Integer> TRAIN_RESET_EVERY = key("train.resetEvery", Type.intAtLeast(0), "0", "CD: restart all drawn chains from the initialiser every this many rounds (0: never, PCD).");
    // sampler
    public static final Key<SamplerType> SAMPLER_TYPE = key("sampler.type", Type.choice(SamplerType.class), "ula", "ULA x -= h grad + sqrt(2h) xi, or SGLD x -= step grad + noise xi.");
    public static final Key<Integer> SAMPLER_STEPS = key("sampler.steps", Type.intAtLeast(0), "20", "Langevin steps K per round.");
    public static final Key<Double> SAMPLER_STEP_SIZE = key("sampler.stepSize", Type.above(0, true), "0.01", "h (ula) or the step alpha (sgld).");
    public static final Key<Double> SAMPLER_NOISE = key("sampler.noise", Type.above(0, false), "0.01", "Noise std sigma (sgld only).");
    public static final Key<Double> SAMPLER_GRAD_CLIP = key("sampler.gradClip", Type.above(0, false), "0", "Clip each gradient entry to +-this (0: off).");
    public static final Key<Double> SAMPLER_CLAMP_MIN = key("sampler.clampMin", Type.doubles(), "-inf", "Lower bound samples are clamped to.");
    public static final Key<Double> SAMPLER_CLAMP_MAX = key("sampler.clampMax", Type.doubles(), "inf", "Upper bound samples are clamped to.");
    public static final Key<CompressType> SAMPLER_COMPRESS = key("sampler.compress", Type.choice(CompressType.class), "none", "EFF-EBM: compress each chain's input gradient.");
    public static final Key<Double> SAMPLER_COMPRESS_DENSITY = key("sampler.compress.density", Type.in(0, true, 1, false), "0.1", "Top-k density of the Langevin gradient.");
    public static final Key<Integer> SAMPLER_COMPRESS_BLOCK = key("sampler.compress.block", Type.intAtLeast(1), "28", "Block-Sign block size of the Langevin gradient.");
    // chains
    public static final Key<Integer> CHAINS_BUFFER = key("chains.buffer", Type.intAtLeast(1), "1000", "Replay-buffer size per device.");
    public static final Key<Double> CHAINS_REINIT = key("chains.reinit", Type.in(0, false, 1, false), "0.05", "Fraction rho of drawn chains re-initialised each round.");
    public static final Key<ChainInit> CHAINS_INIT = key("chains.init", Type.choice(ChainInit.class), "uniform", "Chain initialiser: uniform noise, the device's data, N(mu, Sigma) fitted to the device's data, or exact draws from the initial model (mixture energies).");
    public static final Key<Double> CHAINS_UNIFORM_LOW = key("chains.uniform.low", Type.doubles(), "-1", "Lower bound of uniform initialisation.");
    public static final Key<Double> CHAINS_UNIFORM_HIGH = key("chains.uniform.high", Type.doubles(), "1", "Upper bound of uniform initialisation.");
    public static final Key<GaussianInit.Covariance> CHAINS_GAUSSIAN_COV = key("chains.gaussian.covariance", Type.choice(GaussianInit.Covariance.class), "full", "Covariance of the informative Gaussian: full (d^2 floats) or diagonal (d floats, for large images).");
    public static final Key<ReplayBuffer.Storage> CHAINS_STORAGE = key("chains.storage", Type.choice(ReplayBuffer.Storage.class), "fp32", "How the replay buffer keeps chains between rounds: fp32, bfloat16 (half the memory, relative error <= 2^-8) or 8 bits over the sampler's clamp range (a quarter; needs sampler.clampMin/Max). Langevin steps always run in fp32. Not with Jarzynski.");
    // Jarzynski
    public static final Key<Double> JARZYNSKI_THRESHOLD = key("jarzynski.threshold", Type.above(0, false), "1.0", "Resample when N/ESS - 1 > this (the paper's c).");
    public static final Key<Double> JARZYNSKI_ESS_FRACTION = key("jarzynski.essFraction", Type.in(0, false, 1, true), "0", "Also resample when ESS/N < this (0: off).");
    public static final Key<Resampling> JARZYNSKI_RESAMPLING = key("jarzynski.resampling", Type.choice(Resampling.class), "island", "Across devices: island = each device resamples its own walkers and keeps its total weight (unbiased; no walker crosses the network); global = offspring drawn from all walkers together (two-level systematic), surplus walkers shuffled to other devices (fixes devices whose total weight has collapsed).");
    // compression of delta^p
    public static final Key<CompressType> COMPRESS_TYPE = key("compress.type", Type.choice(CompressType.class), "none", "Compressor C applied to each device's delta^p.");
    public static final Key<Double> COMPRESS_DENSITY = key("compress.density", Type.in(0, true, 1, false), "0.01", "Top-k density (k = round(density d)); ignored when compress.k > 0.");
    public static final Key<Integer> COMPRESS_K = key("compress.k", Type.intAtLeast(0), "0", "Top-k count (0: use compress.density).");
    public static final Key<Integer> COMPRESS_BLOCK = key("compress.block", Type.intAtLeast(1), "256", "Block-Sign block size.");
    public static final Key<Boolean> COMPRESS_ERROR_FEEDBACK = key("compress.errorFeedback", Type.bool(), "true", "Each device keeps the residual delta - C(delta) and adds it next round.");
    // optimiser
    public static final Key<OptimizerType> OPT_TYPE = key("optimizer.type", Type.choice(OptimizerType.class), "adam", "Driver-side optimiser (ND4J updaters).");
    public static final Key<Double> OPT_LR = key("optimizer.lr", Type.above(0, true), "1e-3", "Learning rate.");
    public static final Key<Double> OPT_BETA1 = key("optimizer.beta1", Type.in(0, false, 1, true), "0.9", "Adam beta1.");
    public static final Key<Double> OPT_BETA2 = key("optimizer.beta2", Type.in(0, false, 1, true), "0.999", "Adam beta2.");
    // differential privacy
    public static final Key<Double> PRIVACY_CLIP = key("privacy.clip", Type.above(0, false), "0", "Clip each device's delta to this l2 norm C and add Gaussian noise (0: privacy off).");
    public static final Key<Double> PRIVACY_NOISE = key("privacy.noise", Type.above(0, true), "1.0", "Noise multiplier sigma: noise std is sigma C.");
    public static final Key<NoiseAt> PRIVACY_NOISE_AT = key("privacy.noiseAt", Type.choice(NoiseAt.class), "device", "device: each device noises its clipped delta before compression (the driver never sees an un-noised update); driver: noise added once to the sum (needs compress.errorFeedback=false).");
    public static final Key<Double> PRIVACY_DELTA = key("privacy.delta", Type.in(0, true, 1, true), "1e-5", "delta of the reported (epsilon, delta).");
    public static final Key<Double> PRIVACY_BUDGET = key("privacy.epsilonBudget", Type.aboveOrInfinite(0), "inf", "Stop before a round would take epsilon past this.");
    // checkpoints and recovery
    public static final Key<Integer> CHECKPOINT_EVERY = key("checkpoint.every", Type.intAtLeast(1), "50", "Write a checkpoint (theta, optimiser, every device's chains, residuals and weights) every this many rounds, and at round 0 and the end.");
    public static final Key<Integer> CHECKPOINT_KEEP = key("checkpoint.keep", Type.intAtLeast(1), "2", "Committed checkpoints kept (older ones are deleted).");
    public static final Key<Integer> RECOVERY_MAX_ROLLBACKS = key("recovery.maxRollbacks", Type.intAtLeast(0), "3", "On divergence roll back to the last checkpoint at most this many times, then fail (exit code 4).");
    public static final Key<Double> RECOVERY_LR_FACTOR = key("recovery.lrFactor", Type.in(0, true, 1, false), "0.5", "Each rollback multiplies the learning rate by this.");
    public static final Key<Double> RECOVERY_MAX_ENERGY = key("recovery.maxAbsEnergy", Type.aboveOrInfinite(0), "1e6", "A round whose mean |energy| exceeds this counts as diverged (as do NaN/Inf energies, gradients or theta).");
    // spark
    public static final Key<String> SPARK_MASTER = key("spark.master", Type.text("Spark master URL"), null, "Master when not set by spark-submit (default local[*]).");
    public static final Key<Integer> SPARK_CHECKPOINT_EVERY = key("spark.rddCheckpointEvery", Type.intAtLeast(1), "20", "Checkpoint the device-state RDD (Spark's reliable RDD checkpoint, under the run directory) every this many rounds: cuts the lineage tasks carry and bounds the rounds recomputed after an executor loss. Cut earlier when needed to keep the lineage deserialisable (at most 78 rounds; 52 with global resampling). Formerly spark.checkpointEvery.");
    public static final Key<Integer> SPARK_TREE_DEPTH = key("spark.treeDepth", Type.intAtLeast(1), "2", "Depth of the treeAggregate of the collect aggregation.");
    public static final Key<AggregationType> SPARK_AGGREGATION = key("spark.aggregation", Type.choice(AggregationType.class), "auto", "How device messages are combined. collect: all P messages go to the driver, which sums them (driver bytes and work grow as P x d). reduce-scatter: each message is cut into slices of coordinates, one task per slice sums its pieces in partition order (compressed slices stay compressed), the driver receives d floats. auto: reduce-scatter when the devices' messages reach 16 MB a round (measured in docs/results/scale.md) or when the collected messages would exceed spark.driver.maxResultSize. The same floats either way.");
    public static final Key<Integer> SPARK_REDUCE_SLICES = key("spark.reduceSlices", Type.intAtLeast(0), "0", "Slices (reduce tasks) of the reduce-scatter; 0: at least one per core, more where the devices' messages would give a task over 64 MB to sum.");

    /** Keys renamed since, old name → new name: still read (with a warning when a user writes them). */
    public static final Map<String, String> RENAMED = Map.of("spark.checkpointEvery", "spark.rddCheckpointEvery");

    private Keys() {}

    /** A conv layer {@code out:kernel:stride:pad}. */
    private static ConvEnergy.ConvLayer convLayer(String l) {
        String[] f = l.split(":");
        try {
            return new ConvEnergy.ConvLayer(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                    Integer.parseInt(f[3]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("layer '" + l + "' is not out:kernel:stride:pad with out, kernel, stride >= 1");
        }
    }

    /**
     * {@code map} (read) with renamed keys under their new names.
     *
     * @throws ConfigException when a key is given under both its old and its new name
     */
    public static Map<String, String> canonical(Map<String, String> map) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : map.entrySet()) {
            String k = RENAMED.getOrDefault(e.getKey(), e.getKey());
            if (out.containsKey(k) || (!k.equals(e.getKey()) && map.containsKey(k))) {
                throw new ConfigException(e.getKey() + " is the old name of " + k + ": give only " + k);
            }
            out.put(k, e.getValue());
        }
        return out;
    }

    /** All keys in declaration order. */
    public static List<Key<?>> all() {
        return Collections.unmodifiableList(new ArrayList<>(ALL.values()));
    }

    /** The key of that name, or {@code null}. */
    public static Key<?> byName(String name) {
        return ALL.get(name);
    }
}
