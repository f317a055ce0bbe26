package org.sparkebm.spark.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.Key;
import org.sparkebm.core.config.Keys;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.eval.Energies;
import org.sparkebm.core.io.ModelFile;
import org.sparkebm.core.model.ModelType;
import org.sparkebm.core.train.RoundSummary;
import org.sparkebm.spark.data.Features;
import org.sparkebm.spark.data.Tabular;
import org.sparkebm.spark.engine.SparkTrainer;
import org.sparkebm.spark.run.DivergedException;
import org.sparkebm.spark.run.RunLoop;

/**
 * Trains an energy-based model on a DataFrame with the job's engine ({@link SparkTrainer}: each partition a
 * device with its own rows and chains, compressed updates, {@code treeAggregate}), returning an {@link EbmModel}.
 *
 * <p>Params: the columns, typed params for the options most runs set (each is a config key of
 * {@code docs/config.md}, with its default and validation), and {@code conf}, an array of {@code key=value}
 * entries reaching every other key. An explicitly set typed param wins over the same key in {@code conf}. The
 * whole config is validated by {@link RunConfig} before any Spark work, and a bad value names the key.
 *
 * <p>With {@code modelType} jem or mjem the estimator trains the hybrid classifier on {@code labelCol} as well
 * (classes 0 .. {@code classes}−1) and the model adds {@code prediction} and {@code probability} columns, as Spark
 * ML classifiers do.
 *
 * <p>Fit runs the job's loop ({@link RunLoop}) without checkpoints: a divergence ends the fit (it is rerun, no
 * rollback), and long runs belong in the job. The RDD
 * checkpoints that cut the device-state lineage go to the SparkContext's checkpoint directory, or in local mode a
 * temporary one.
 */
public final class EbmEstimator extends Estimator<EbmModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> energyCol;
    private final Param<String> scoreCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> labelCol;
    private final IntParam classes;
    private final IntParam rounds;
    private final IntParam devices;
    private final LongParam seed;
    private final Param<String> modelType;
    private final IntArrayParam hidden;
    private final Param<String> method;
    private final Param<String> compression;
    private final DoubleParam density;
    private final IntParam steps;
    private final DoubleParam stepSize;
    private final DoubleParam learningRate;
    private final IntParam batchSize;
    private final BooleanParam standardize;
    private final StringArrayParam conf;
    /** Typed params → config keys. */
    private final Map<Param<?>, Key> keyOf = new LinkedHashMap<>();

    public EbmEstimator() {
        this(Identifiable$.MODULE$.randomUID("ebm"));
    }

    public EbmEstimator(String uid) {
        this.uid = uid;
        featuresCol = EbmParams.featuresCol(this);
        energyCol = EbmParams.energyCol(this);
        scoreCol = EbmParams.scoreCol(this);
        EbmParams.setColumnDefaults(this, featuresCol, energyCol, scoreCol);
        predictionCol = EbmParams.predictionCol(this);
        probabilityCol = EbmParams.probabilityCol(this);
        EbmParams.setClassifierDefaults(this, predictionCol, probabilityCol);
        labelCol = new Param<>(this, "labelCol", "jem / mjem: the integer class-label column (config key data.labelColumn)");
        setDefault(labelCol, "label");
        classes = typed(new IntParam(this, "classes", doc(Keys.MODEL_CLASSES), ParamValidators.gtEq(2)),
                Keys.MODEL_CLASSES);
        setDefault(classes, Integer.parseInt(Keys.MODEL_CLASSES.defaultValue()));
        rounds = typed(new IntParam(this, "rounds", doc(Keys.RUN_ROUNDS), ParamValidators.gtEq(1)), Keys.RUN_ROUNDS);
        devices = typed(new IntParam(this, "devices", doc(Keys.DEVICES_COUNT), ParamValidators.gtEq(1)),
                Keys.DEVICES_COUNT);
        seed = typed(new LongParam(this, "seed", doc(Keys.RUN_SEED)), Keys.RUN_SEED);
        modelType = typed(new Param<>(this, "modelType", doc(Keys.MODEL_TYPE),
                ParamValidators.inArray(new String[] {"mlp", "gmm", "jem", "mjem"})), Keys.MODEL_TYPE);
        hidden = typed(new IntArrayParam(this, "hidden", doc(Keys.MODEL_HIDDEN)), Keys.MODEL_HIDDEN);
        method = typed(new Param<>(this, "method", doc(Keys.TRAIN_METHOD),
                ParamValidators.inArray(new String[] {"pcd", "cd", "jarzynski"})), Keys.TRAIN_METHOD);
        compression = typed(new Param<>(this, "compression", doc(Keys.COMPRESS_TYPE),
                ParamValidators.inArray(new String[] {"none", "topk", "blocksign"})), Keys.COMPRESS_TYPE);
        density = typed(new DoubleParam(this, "density", doc(Keys.COMPRESS_DENSITY),
                ParamValidators.inRange(0, 1, false, true)), Keys.COMPRESS_DENSITY);
        steps = typed(new IntParam(this, "steps", doc(Keys.SAMPLER_STEPS), ParamValidators.gtEq(0)), Keys.SAMPLER_STEPS);
        stepSize = typed(new DoubleParam(this, "stepSize", doc(Keys.SAMPLER_STEP_SIZE), ParamValidators.gt(0)),
                Keys.SAMPLER_STEP_SIZE);
        learningRate = typed(new DoubleParam(this, "learningRate", doc(Keys.OPT_LR), ParamValidators.gt(0)), Keys.OPT_LR);
        batchSize = typed(new IntParam(this, "batchSize", doc(Keys.TRAIN_BATCH), ParamValidators.gtEq(1)),
                Keys.TRAIN_BATCH);
        standardize = typed(new BooleanParam(this, "standardize", doc(Keys.DATA_STANDARDIZE)), Keys.DATA_STANDARDIZE);
        conf = new StringArrayParam(this, "conf", "any other config key as key=value (docs/config.md)",
                EbmEstimator::validConf);
        setDefault(conf, new String[0]);
        setDefault(rounds, Integer.parseInt(Keys.RUN_ROUNDS.defaultValue()));
        setDefault(devices, Integer.parseInt(Keys.DEVICES_COUNT.defaultValue()));
        setDefault(seed, Long.parseLong(Keys.RUN_SEED.defaultValue()));
        setDefault(modelType, Keys.MODEL_TYPE.defaultValue());
        setDefault(hidden, Arrays.stream(Keys.MODEL_HIDDEN.defaultValue().split(","))
                .mapToInt(Integer::parseInt).toArray());
        setDefault(method, Keys.TRAIN_METHOD.defaultValue());
        setDefault(compression, Keys.COMPRESS_TYPE.defaultValue());
        setDefault(density, Double.parseDouble(Keys.COMPRESS_DENSITY.defaultValue()));
        setDefault(steps, Integer.parseInt(Keys.SAMPLER_STEPS.defaultValue()));
        setDefault(stepSize, Double.parseDouble(Keys.SAMPLER_STEP_SIZE.defaultValue()));
        setDefault(learningRate, Double.parseDouble(Keys.OPT_LR.defaultValue()));
        setDefault(batchSize, Integer.parseInt(Keys.TRAIN_BATCH.defaultValue()));
        setDefault(standardize, Boolean.parseBoolean(Keys.DATA_STANDARDIZE.defaultValue()));
    }

    private <P extends Param<?>> P typed(P p, Key k) {
        keyOf.put(p, k);
        return p;
    }

    private static String doc(Key k) {
        return k.doc() + " (config key " + k.name() + ")";
    }

    /** Each entry key=value with a known key that a typed param or the estimator itself does not own. */
    private static boolean validConf(String[] entries) {
        for (String e : entries) {
            int i = e.indexOf('=');
            if (i <= 0 || Keys.byName(e.substring(0, i).trim()) == null) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params (public no-argument getters: Spark ML finds params by these) ----
    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> energyCol() { return energyCol; }
    public Param<String> scoreCol() { return scoreCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> probabilityCol() { return probabilityCol; }
    public Param<String> labelCol() { return labelCol; }
    public IntParam classes() { return classes; }
    public IntParam rounds() { return rounds; }
    public IntParam devices() { return devices; }
    public LongParam seed() { return seed; }
    public Param<String> modelType() { return modelType; }
    public IntArrayParam hidden() { return hidden; }
    public Param<String> method() { return method; }
    public Param<String> compression() { return compression; }
    public DoubleParam density() { return density; }
    public IntParam steps() { return steps; }
    public DoubleParam stepSize() { return stepSize; }
    public DoubleParam learningRate() { return learningRate; }
    public IntParam batchSize() { return batchSize; }
    public BooleanParam standardize() { return standardize; }
    public StringArrayParam conf() { return conf; }

    public EbmEstimator setFeaturesCol(String v) { set(featuresCol, v); return this; }
    public EbmEstimator setEnergyCol(String v) { set(energyCol, v); return this; }
    public EbmEstimator setScoreCol(String v) { set(scoreCol, v); return this; }
    public EbmEstimator setPredictionCol(String v) { set(predictionCol, v); return this; }
    public EbmEstimator setProbabilityCol(String v) { set(probabilityCol, v); return this; }
    public EbmEstimator setLabelCol(String v) { set(labelCol, v); return this; }
    public EbmEstimator setClasses(int v) { set(classes, v); return this; }
    public EbmEstimator setRounds(int v) { set(rounds, v); return this; }
    public EbmEstimator setDevices(int v) { set(devices, v); return this; }
    public EbmEstimator setSeed(long v) { set(seed, v); return this; }
    public EbmEstimator setModelType(String v) { set(modelType, v); return this; }
    public EbmEstimator setHidden(int[] v) { set(hidden, v); return this; }
    public EbmEstimator setMethod(String v) { set(method, v); return this; }
    public EbmEstimator setCompression(String v) { set(compression, v); return this; }
    public EbmEstimator setDensity(double v) { set(density, v); return this; }
    public EbmEstimator setSteps(int v) { set(steps, v); return this; }
    public EbmEstimator setStepSize(double v) { set(stepSize, v); return this; }
    public EbmEstimator setLearningRate(double v) { set(learningRate, v); return this; }
    public EbmEstimator setBatchSize(int v) { set(batchSize, v); return this; }
    public EbmEstimator setStandardize(boolean v) { set(standardize, v); return this; }
    /** Any config key, e.g. {@code setConf("chains.buffer=2000", "sampler.clampMin=-6")}. */
    public EbmEstimator setConf(String... entries) { set(conf, entries); return this; }

    /**
     * The run config this estimator trains with: the {@code conf} entries, then each typed param that is set
     * explicitly, or whose key {@code conf} does not give (then its default), under a run name from the uid.
     *
     * @throws IllegalArgumentException naming the key, for any invalid value or combination
     */
    public RunConfig runConfig() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Keys.RUN_NAME.name(), uid.replaceAll("[^A-Za-z0-9._-]", "_"));
        for (String e : $(conf)) {
            int i = e.indexOf('=');
            m.put(e.substring(0, i).trim(), e.substring(i + 1).trim());
        }
        for (Map.Entry<Param<?>, Key> e : keyOf.entrySet()) {
            String key = e.getValue().name();
            if (isSet(e.getKey()) || !m.containsKey(key)) {
                Object v = $(e.getKey());
                m.put(key, v instanceof int[] a ? Arrays.stream(a).mapToObj(String::valueOf)
                        .collect(Collectors.joining(",")) : String.valueOf(v));
            }
        }
        String owned = m.get(Keys.DATA_SOURCE.name());
        if (owned != null && !owned.equals("frame")) {
            throw new IllegalArgumentException("conf: data.source is the DataFrame given to fit; remove data.source="
                    + owned);
        }
        m.put(Keys.DATA_SOURCE.name(), "frame");
        String type = m.get(Keys.MODEL_TYPE.name());
        if ("jem".equals(type) || "mjem".equals(type)) {
            m.put(Keys.DATA_LABEL_COLUMN.name(), $(labelCol));
        }
        try {
            return RunConfig.fromMap(m, "EbmEstimator " + uid);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public EbmModel fit(Dataset<?> dataset) {
        RunConfig cfg = runConfig();
        transformSchema(dataset.schema());
        if (cfg.model().type() == ModelType.CONV) {
            throw new IllegalArgumentException("model.type = conv needs image-shaped samples; use the job for images");
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        Features.Spec spec = Features.vectorColumn(dataset.schema(), $(featuresCol), "fit");
        Tabular.Loaded data = Tabular.load(dataset.toDF(), spec, cfg, "fit data");
        int[] shape = {data.dim()};
        try (SparkTrainer trainer = new SparkTrainer(sc, cfg, shape, checkpointDir(sc), data.shards())) {
            try {
                new RunLoop(cfg, null, (s, done, elapsed) -> progress(cfg, s, done, elapsed)).run(trainer, null);
            } catch (DivergedException e) {
                throw new IllegalStateException("training diverged: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // no checkpoints are written: not reached
            }
            float[] theta = trainer.server().theta();
            double[] q = cfg.privacy().enabled() ? new double[0] : Energies.quantiles(trainer.dataEnergies(theta), 101);
            EbmModel model = new EbmModel(uid, new ModelFile.Loaded(cfg, shape, theta, data.scaling(), q));
            return copyValues(model, ParamMap.empty()).setParent(this);
        } finally {
            data.shards().unpersist(false);
        }
    }

    private static String checkpointDir(JavaSparkContext sc) {
        if (sc.getCheckpointDir().isPresent()) {
            return null; // SparkTrainer keeps the context's directory
        }
        if (!sc.isLocal()) {
            throw new IllegalStateException("set a checkpoint directory on shared storage first"
                    + " (SparkContext.setCheckpointDir): the device-state RDD is checkpointed every spark.rddCheckpointEvery rounds");
        }
        try {
            Path dir = Files.createTempDirectory("sparkebm-fit-");
            dir.toFile().deleteOnExit();
            return dir.toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void progress(RunConfig cfg, RoundSummary s, int doneThisFit, double elapsed) {
        int done = s.round() + 1;
        if (done % cfg.logEvery() != 0 && done != cfg.rounds()) {
            return;
        }
        double rate = doneThisFit / elapsed;
        System.out.printf(Locale.ROOT, "[ebm fit %d/%d] %.2f rounds/s, ETA %.0fs | E+ %.4f E- %.4f |g| %.4f%n", done,
                cfg.rounds(), rate, (cfg.rounds() - done) / rate, s.energyPos(), s.energyNeg(), s.gradNorm());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Features.vectorColumn(schema, $(featuresCol), "fit");
        boolean hybrid = List.of("jem", "mjem").contains($(modelType));
        if (hybrid && !Arrays.asList(schema.fieldNames()).contains($(labelCol))) {
            throw new IllegalArgumentException("fit: modelType " + $(modelType) + " needs the label column '"
                    + $(labelCol) + "' (labelCol); the columns are " + Arrays.toString(schema.fieldNames()));
        }
        return EnergyScorer.outputSchema(schema, $(energyCol), $(scoreCol), hybrid ? $(predictionCol) : "",
                hybrid ? $(probabilityCol) : "");
    }

    @Override
    public EbmEstimator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<EbmEstimator> read() {
        return new DefaultParamsReader<>();
    }

    public static EbmEstimator load(String path) {
        return read().load(path);
    }
}
