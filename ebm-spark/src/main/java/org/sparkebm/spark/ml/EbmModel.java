package org.sparkebm.spark.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.io.ModelFile;
import org.sparkebm.spark.data.Features;
import org.sparkebm.spark.io.HadoopFiles;

/**
 * A trained energy-based model as a Spark ML {@code Transformer}: {@code transform} appends the energy E(x)
 * ({@code energyCol}) and, if {@code scoreCol} is set, the normalised score, the fraction of the training rows'
 * energies below E (a value in [0, 1]; high = unusual). Saved with Spark ML's writers (params as metadata JSON,
 * the model file under {@code data/model.bin}), so it goes into a {@code Pipeline} and {@code PipelineModel.load}
 * restores it.
 *
 * <p>A JEM / M-JEM model also adds {@code predictionCol} (the class with the highest p(y|x)) and
 * {@code probabilityCol} (p(y|x) as a vector), like Spark ML's classifiers.
 *
 * <p>Features: the {@code featuresCol} column (a vector or a numeric array) when the input has it, otherwise the
 * named columns the model was trained on (tabular data from a job config).
 */
public final class EbmModel extends Model<EbmModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final ModelFile.Loaded model;
    private final Param<String> featuresCol;
    private final Param<String> energyCol;
    private final Param<String> scoreCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;

    public EbmModel(String uid, ModelFile.Loaded model) {
        this.uid = uid;
        this.model = model;
        this.featuresCol = EbmParams.featuresCol(this);
        this.energyCol = EbmParams.energyCol(this);
        this.scoreCol = EbmParams.scoreCol(this);
        EbmParams.setColumnDefaults(this, featuresCol, energyCol, scoreCol);
        this.predictionCol = EbmParams.predictionCol(this);
        this.probabilityCol = EbmParams.probabilityCol(this);
        EbmParams.setClassifierDefaults(this, predictionCol, probabilityCol);
    }

    /** Whether the model is a JEM / M-JEM classifier (then transform adds prediction and probability). */
    public boolean isClassifier() {
        return model.config().model().hybrid();
    }

    /** The model of a job's run ({@code <run>/model.bin}, any Hadoop path). */
    public static EbmModel fromModelFile(String path) throws IOException {
        try (InputStream in = HadoopFiles.open(path)) {
            return new EbmModel(Identifiable$.MODULE$.randomUID("ebm"), ModelFile.read(in, path));
        }
    }

    /**
     * A model from where a person would point: a Spark ML save directory (with {@code metadata/}), a run
     * directory (with {@code model.bin}), or a model file, on any Hadoop path.
     *
     * @throws org.sparkebm.core.data.DataException if {@code location} is none of these, or unreadable
     */
    public static EbmModel open(String location) {
        try {
            Path p = HadoopFiles.path(location);
            FileSystem fs = HadoopFiles.fs(p);
            if (fs.exists(new Path(p, "metadata"))) {
                return load(location);
            }
            if (fs.exists(new Path(p, "model.bin"))) {
                return fromModelFile(new Path(p, "model.bin").toString());
            }
            if (fs.exists(p) && fs.getFileStatus(p).isFile()) {
                return fromModelFile(location);
            }
            throw new DataException(location + ": not a model (expected a run directory with"
                    + " model.bin, a model file, or a saved EbmModel/PipelineModel stage directory)");
        } catch (IOException e) {
            throw new DataException(location + ": cannot read the model (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String uid() {
        return uid;
    }

    /** θ, config, sample shape, feature map and training-energy quantiles. */
    public ModelFile.Loaded modelFile() {
        return model;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> energyCol() {
        return energyCol;
    }

    public Param<String> scoreCol() {
        return scoreCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public EbmModel setPredictionCol(String v) {
        set(predictionCol, v);
        return this;
    }

    public EbmModel setProbabilityCol(String v) {
        set(probabilityCol, v);
        return this;
    }

    public EbmModel setFeaturesCol(String v) {
        set(featuresCol, v);
        return this;
    }

    public EbmModel setEnergyCol(String v) {
        set(energyCol, v);
        return this;
    }

    public EbmModel setScoreCol(String v) {
        set(scoreCol, v);
        return this;
    }

    /** Which input columns hold the features for {@code schema}. */
    Features.Spec featureSpec(StructType schema) {
        String col = $(featuresCol);
        if (Arrays.asList(schema.fieldNames()).contains(col) || model.scaling().columns() == null) {
            return Features.vectorColumn(schema, col, "input");
        }
        return Features.numericColumns(schema, model.scaling().columns(), "input");
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        return EnergyScorer.score(dataset, model, featureSpec(dataset.schema()), $(energyCol), $(scoreCol),
                isClassifier() ? $(predictionCol) : "", isClassifier() ? $(probabilityCol) : "");
    }

    @Override
    public StructType transformSchema(StructType schema) {
        featureSpec(schema);
        return EnergyScorer.outputSchema(schema, $(energyCol), $(scoreCol), isClassifier() ? $(predictionCol) : "",
                isClassifier() ? $(probabilityCol) : "");
    }

    @Override
    public EbmModel copy(ParamMap extra) {
        EbmModel m = copyValues(new EbmModel(uid, model), extra);
        return m.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    @Override
    public void save(String path) throws IOException {
        write().save(path);
    }

    public static MLReader<EbmModel> read() {
        return new Reader();
    }

    public static EbmModel load(String path) {
        return read().load(path);
    }

    /** Params as Spark ML metadata (so pipelines find the class), the model file beside them. */
    private static final class Writer extends MLWriter {
        private final EbmModel instance;

        Writer(EbmModel instance) {
            this.instance = instance;
        }

        // The SparkContext overloads of saveMetadata/loadMetadata are the ones both Spark lines have (Spark 4
        // deprecates them in favour of SparkSession overloads that Spark 3.5 lacks), so one source serves both.
        @Override
        @SuppressWarnings("deprecation")
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sc(), scala.Option.empty(), scala.Option.empty());
            ModelFile.Loaded m = instance.model;
            try {
                HadoopFiles.writeAtomically(new Path(new Path(path, "data"), "model.bin"), out -> ModelFile.write(out,
                        m.config(), m.sampleShape(), m.theta(), m.scaling(), m.energyQuantiles()));
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": cannot write the model file", e);
            }
        }
    }

    private static final class Reader extends MLReader<EbmModel> {
        @Override
        @SuppressWarnings("deprecation") // as in Writer.saveImpl
        public EbmModel load(String path) {
            DefaultParamsReader.Metadata md = DefaultParamsReader$.MODULE$.loadMetadata(path, sc(),
                    EbmModel.class.getName());
            String file = new Path(new Path(path, "data"), "model.bin").toString();
            ModelFile.Loaded m;
            try (InputStream in = HadoopFiles.open(file)) {
                m = ModelFile.read(in, file);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read the model file", e);
            }
            EbmModel model = new EbmModel(md.uid(), m);
            md.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }
}
