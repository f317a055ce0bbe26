package org.sparkebm.spark.cli;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.IdxReader;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.eval.Energies;
import org.sparkebm.core.io.ModelFile;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.model.HybridEnergy;
import org.sparkebm.core.sampling.ChainInit;
import org.sparkebm.core.sampling.ChainInitializer;
import org.sparkebm.core.sampling.ChainNoise;
import org.sparkebm.core.sampling.UniformInit;
import org.sparkebm.core.train.DeviceState;
import org.sparkebm.core.util.NdArrays;
import org.sparkebm.core.util.Seeds;
import org.sparkebm.spark.data.ShardLoader;
import org.sparkebm.spark.io.HadoopFiles;
import org.sparkebm.spark.ml.EbmModel;
import org.sparkebm.spark.plot.Plots;
import org.sparkebm.spark.run.CheckpointStore;

/**
 * {@code SampleJob <model> <outDir> [n=64] [steps=200] [init=config|uniform|buffer] [seed=0] [devices=2]}: draws
 * {@code n} new samples from a saved model with the run's own Langevin sampler, spread over {@code devices} Spark
 * partitions (chain i on partition i mod devices, its noise from (seed, partition, chain)), and writes
 * {@code samples.png} (an image grid, or for 2-D data the density with the samples), {@code samples.parquet}
 * (index, features, energy) and, for images, {@code samples-idx3-ubyte} (pixels 0–255).
 *
 * <p>With {@code class=y} (JEM / M-JEM models) the chains sample p(x|y) ∝ exp(−E(x))·p(y|x); {@code class=all}
 * gives every class a block of n/K chains, so the grid shows one class per band, and also writes one grid per class
 * ({@code samples-class-<y>.png}).
 *
 * <p>Starts: {@code config} = the run's {@code chains.init} (the informative Gaussian fitted to each partition's
 * data shard, the data itself, uniform noise, or the initial model), {@code uniform}, or {@code buffer} = the
 * replay buffer of the run's newest valid checkpoint (needs a run directory as {@code <model>}).
 */
public final class SampleJob {
    static final String USAGE = "usage: SampleJob <model: run dir | model.bin | saved EbmModel> <outDir> [n=64]"
            + " [steps=200] [init=config|uniform|buffer] [class=<y>|all] [seed=0] [devices=2] [master=local[*]]";

    private SampleJob() {}

    public static void main(String[] args) {
        System.exit(run(args).code);
    }

    public static ExitCode run(String[] args) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("n", "64");
        d.put("steps", "200");
        d.put("init", "config");
        d.put("seed", "0");
        d.put("class", null);
        d.put("devices", "2");
        return Commands.run("sample", USAGE, args, 2, d, a -> {
            a.integer("n", 1);
            a.integer("steps", 0);
            a.integer("devices", 1);
            a.choice("init", "config", "uniform", "buffer");
            a.number("seed");
            if (a.get("class") != null && !a.get("class").equals("all")) {
                a.integer("class", 0);
            }
            Commands.requireAbsent(a.arg(1));
        }, SampleJob::sample);
    }

    /**
     * Starts and targets for the chains.
     *
     * @param target −1: p(x); −2: chain i samples p(x|y) for y = ⌊i·K/n⌋ (every class, in blocks); y ≥ 0: p(x|y)
     */
    private record Starts(String init, float[] buffer, int bufferRows, int target, int classes)
            implements Serializable {
        int classOf(int chain, int n) {
            return target == -2 ? (int) ((long) chain * classes / n) : target;
        }
    }

    private static void sample(SparkSession spark, CommandArgs a) throws IOException {
        EbmModel em = EbmModel.open(a.arg(0));
        ModelFile.Loaded m = em.modelFile();
        int n = a.integer("n", 1);
        int steps = a.integer("steps", 0);
        int devices = a.integer("devices", 1);
        long seed = (long) a.number("seed");
        String init = a.get("init");
        int dim = 1;
        for (int s : m.sampleShape()) {
            dim *= s;
        }
        if (init.equals("config") && m.config().data().tabular()) {
            throw new ConfigException("init=config: the run's data is tabular and is not reread here; use init=uniform"
                    + " or init=buffer");
        }
        float[] buffer = null;
        int bufferRows = 0;
        if (init.equals("buffer")) {
            CheckpointStore.Found f = new CheckpointStore(HadoopFiles.path(a.arg(0))).newestValid(null);
            if (f == null) {
                throw new DataException(a.arg(0) + ": init=buffer needs a run directory with a valid checkpoint");
            }
            List<DeviceState> states = CheckpointStore.readDevices(f.dir(), m.config().devices());
            bufferRows = states.stream().mapToInt(s -> s.buffer().size()).sum();
            buffer = new float[bufferRows * dim];
            int k = 0;
            for (DeviceState s : states) {
                float[] v = s.buffer().samples();
                System.arraycopy(v, 0, buffer, k * dim, s.buffer().size() * dim);
                k += s.buffer().size();
            }
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<ModelFile.Loaded> bm = sc.broadcast(m);
        int target = -1;
        int classes = 0;
        if (a.get("class") != null) {
            if (!m.config().model().hybrid()) {
                throw new ConfigException("class=" + a.get("class") + ": class-conditional sampling needs a jem or mjem"
                        + " model, " + a.arg(0) + " is " + m.config().model().type());
            }
            classes = m.config().model().classes();
            target = a.get("class").equals("all") ? -2 : a.integer("class", 0);
            if (target >= classes) {
                throw new ConfigException("class=" + target + ": the model has classes 0.." + (classes - 1));
            }
        }
        Broadcast<Starts> bs = sc.broadcast(new Starts(init, buffer, bufferRows, target, classes));
        List<Integer> parts = new ArrayList<>();
        for (int p = 0; p < devices; p++) {
            parts.add(p);
        }
        long t0 = System.nanoTime();
        sc.setJobDescription("sample " + n + " chains, " + steps + " Langevin steps");
        int fd = dim;
        List<float[]> chunks = sc.parallelize(parts, devices)
                .map(p -> samplePartition(bm.value(), bs.value(), p, devices, n, steps, seed, fd)).collect();
        // chain i is row j of partition i mod P: interleave back into chain order
        float[] samples = new float[n * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(chunks.get(i % devices), (i / devices) * dim, samples, i * dim, dim);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        EnergyModel model = m.model();
        double[] energy = Energies.of(model, samples, n, 256);
        model.release();
        Plots.Shown img = Plots.images(m.config(), m.sampleShape(), samples, n);
        write(spark, a.arg(1), model, samples, img, energy, n, dim, target == -2 && n % classes == 0 ? n / classes : 8);
        if (target == -2 && img != null) {
            // one grid per class as well: class y holds chains [⌈y·n/K⌉, ⌈(y+1)·n/K⌉)
            int px = img.c() * img.h() * img.w();
            Starts st = bs.value();
            for (int y = 0; y < classes; y++) {
                int from = -1;
                int to = -1;
                for (int i = 0; i < n; i++) {
                    if (st.classOf(i, n) == y) {
                        from = from < 0 ? i : from;
                        to = i + 1;
                    }
                }
                if (from >= 0) {
                    float[] block = Arrays.copyOfRange(img.pixels(), from * px, to * px);
                    HadoopFiles.writeAtomically(new Path(HadoopFiles.path(a.arg(1)),
                            "samples-class-" + y + ".png"), new Plots.Shown(block, img.h(), img.w(), img.c()).grid(to - from));
                }
            }
        }
        double mean = Arrays.stream(energy).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "sparkebm sample: %d samples, %d steps from %s in %.1f s (mean energy %.4f) → %s%n",
                n, steps, init, secs, mean, a.arg(1));
    }

    /** Partition p's chains p, p+P, ...: drawn starts, then {@code steps} Langevin steps with seeded noise. */
    static float[] samplePartition(ModelFile.Loaded m, Starts starts, int p, int devices, int n, int steps, long seed,
                                   int dim) {
        int count = (n - p + devices - 1) / devices;
        if (count <= 0) {
            return new float[0];
        }
        RunConfig cfg = m.config();
        var sampler = cfg.step().sampler();
        float[] x = new float[count * dim];
        int[] ids = new int[count];
        for (int j = 0; j < count; j++) {
            ids[j] = p + j * devices;
        }
        if (starts.init().equals("buffer")) {
            for (int j = 0; j < count; j++) {
                int src = ids[j] % starts.bufferRows();
                System.arraycopy(starts.buffer(), src * dim, x, j * dim, dim);
            }
        } else {
            ChainInitializer init;
            Shard shard = null;
            if (starts.init().equals("uniform")) {
                init = new UniformInit(dim, cfg.chains().uniformLow(),
                        cfg.chains().uniformHigh());
            } else {
                // the run's own initialiser, fitted to this partition's shard of the run's data where it needs data
                shard = ShardLoader.shard(cfg, p % cfg.devices());
                init = cfg.chains().build(shard, sampler.clampMin(), sampler.clampMax(),
                        cfg.chains().init() == ChainInit.MODEL ? cfg.initialModel(m.sampleShape()) : null,
                        cfg.model().basePath());
            }
            for (int j = 0; j < count; j++) {
                SplittableRandom rng = Seeds.random(seed, Seeds.Purpose.CHAIN_REINIT, 0, p, ids[j]);
                init.draw(x, j * dim, shard, rng);
            }
        }
        if (steps > 0) {
            EnergyModel model = m.model();
            // chains grouped by target (p(x), or p(x|y) per class); each group moves with its own energy
            Map<Integer, List<Integer>> groups = new TreeMap<>();
            for (int j = 0; j < count; j++) {
                groups.computeIfAbsent(starts.classOf(ids[j], n), k -> new ArrayList<>()).add(j);
            }
            for (Map.Entry<Integer, List<Integer>> g : groups.entrySet()) {
                List<Integer> rows = g.getValue();
                float[] sub = new float[rows.size() * dim];
                int[] subIds = new int[rows.size()];
                for (int k = 0; k < rows.size(); k++) {
                    System.arraycopy(x, rows.get(k) * dim, sub, k * dim, dim);
                    subIds[k] = ids[rows.get(k)];
                }
                EnergyModel target = g.getKey() < 0 ? model
                        : ((HybridEnergy) model).conditional(g.getKey());
                INDArray xs = NdArrays.of(sub, rows.size(), dim);
                sampler.run(target, xs, steps, new ChainNoise(seed, 0, p, subIds, dim, DataType.FLOAT)); // in place
                float[] moved = xs.reshape((long) rows.size() * dim).toFloatVector();
                for (int k = 0; k < rows.size(); k++) {
                    System.arraycopy(moved, k * dim, x, rows.get(k) * dim, dim);
                }
            }
            model.release();
        }
        return x;
    }

    /**
     * @param img  the samples as images (null: not images)
     * @param cols images per row of the grid (n/K with class=all: one row per class)
     */
    private static void write(SparkSession spark, String outDir, EnergyModel model, float[] samples, Plots.Shown img,
                              double[] energy, int n, int dim, int cols) throws IOException {
        Path dir = HadoopFiles.path(outDir);
        StructType schema = new StructType().add("index", DataTypes.IntegerType, false)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("energy", DataTypes.DoubleType, false);
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Float[] f = new Float[dim];
            for (int j = 0; j < dim; j++) {
                f[j] = samples[i * dim + j];
            }
            rows.add(RowFactory.create(i, f, energy[i]));
        }
        HadoopFiles.writeFrame(spark.createDataFrame(rows, schema).coalesce(1),
                new Path(dir, "samples.parquet").toString(), "parquet");
        if (img != null) {
            HadoopFiles.writeAtomically(new Path(dir, "samples.png"), img.grid(n, Math.min(cols, n)));
            if (img.c() == 1) { // IDX image files are grey
                HadoopFiles.writeAtomically(new Path(dir, "samples-idx3-ubyte"),
                        out -> IdxReader.writeImages(out, img.pixels(), n, img.h(), img.w()));
            }
        } else if (dim == 2) {
            Shard pts = new Shard(samples, n, new int[] {2}, null);
            HadoopFiles.writeAtomically(new Path(dir, "samples.png"),
                    Plots.density2d(model, Plots.bounds(pts), samples, n));
        }
    }
}
