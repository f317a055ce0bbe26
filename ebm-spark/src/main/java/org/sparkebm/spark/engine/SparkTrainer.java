package org.sparkebm.spark.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.Dataset;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.train.DeltaAggregator;
import org.sparkebm.core.train.DeviceResult;
import org.sparkebm.core.train.DeviceRound;
import org.sparkebm.core.train.DeviceState;
import org.sparkebm.core.train.DeviceStore;
import org.sparkebm.core.train.GlobalResampling;
import org.sparkebm.core.train.ParameterServer;
import org.sparkebm.core.train.RoundSummary;
import org.sparkebm.core.train.Trainer;
import org.sparkebm.spark.data.DevicePartitioner;
import org.sparkebm.spark.data.ShardLoader;
import scala.Tuple2;

/**
 * The Spark engine of {@link Trainer}: one round is one distributed step. Each partition is a device; its data shard lives in a cached RDD and its
 * chain state in an RDD rebuilt every round from the previous one ({@code zipPartitions}), so a lost or retried
 * task recomputes exactly the same state from lineage (device steps are deterministic functions of their seeds).
 * The state RDD is checkpointed every {@code spark.checkpointEvery} rounds to cut the lineage; θ broadcasts that
 * lineage may still need are kept until then and destroyed after.
 */
public final class SparkTrainer implements Trainer {
    private final JavaSparkContext sc;
    private final RunConfig cfg;
    private final ParameterServer server;
    private final long numParams;
    private final JavaRDD<Dataset> data;
    private JavaRDD<DeviceState> states;
    private JavaRDD<DeviceResult> lastResults;
    private final Deque<Broadcast<float[]>> liveBroadcasts = new ArrayDeque<>();
    private final List<RoundSummary> history = new ArrayList<>();

    public SparkTrainer(JavaSparkContext sc, RunConfig cfg, int[] sampleShape, String checkpointDir) {
        this(sc, cfg, sampleShape, checkpointDir, null);
    }

    /**
     * @param shards one data shard per device (tabular data, {@link Tabular}), or null to load each device's shard
     *               from the config on its executor (synthetic and IDX data)
     */
    public SparkTrainer(JavaSparkContext sc, RunConfig cfg, int[] sampleShape, String checkpointDir,
                        JavaRDD<Dataset> shards) {
        this.sc = sc;
        this.cfg = cfg;
        EnergyModel m0 = cfg.initialModel(sampleShape);
        this.numParams = m0.numParams();
        this.server = new ParameterServer(cfg, m0);
        if (checkpointDir != null) {
            sc.setCheckpointDir(checkpointDir);
        }
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < cfg.devices(); p++) {
            ids.add(p);
        }
        sc.setJobDescription("load data shards");
        data = shards != null ? shards
                : sc.parallelize(ids, cfg.devices()).map(new LoadShard(cfg)).persist(StorageLevel.MEMORY_AND_DISK());
        states = data.map(new InitState(cfg, numParams)).persist(StorageLevel.MEMORY_AND_DISK());
    }

    @Override
    public ParameterServer server() {
        return server;
    }

    @Override
    public List<RoundSummary> history() {
        return history;
    }

    /**
     * The distributed step: broadcast θ, each device steps on its partition (zipped with its state), the results are
     * combined by {@code treeAggregate}, the server updates θ; the next states are the results' states.
     */
    @Override
    public RoundSummary runRound() {
        int t = server.round();
        int[] active = ParameterServer.participants(cfg, t);
        Broadcast<float[]> theta = sc.broadcast(server.theta());
        liveBroadcasts.add(theta);
        boolean resample = server.resampleNext();
        JavaRDD<DeviceState> input = states;
        if (resample && cfg.jarzynski().global()) {
            sc.setJobGroup("round-" + t, "round " + t + ": global resampling", false);
            input = resampleGlobally(t);
            resample = false;
        }
        sc.setJobGroup("round-" + t, "round " + t + ": device step + treeAggregate", false);
        JavaRDD<DeviceResult> results = data.zipPartitions(input, new Step(cfg, theta, t, active, resample))
                .persist(StorageLevel.MEMORY_AND_DISK());
        DeltaAggregator agg = results.treeAggregate(new DeltaAggregator(), new Add(), new Merge(), cfg.treeDepth());
        if (input != states) {
            input.unpersist(false);
        }
        RoundSummary s = server.finish(agg);
        JavaRDD<DeviceState> next = results.map(new StateOf()).persist(StorageLevel.MEMORY_AND_DISK());
        boolean checkpoint = (t + 1) % cfg.checkpointEvery() == 0;
        if (checkpoint) {
            sc.setJobDescription("round " + t + ": checkpoint device state");
            next.checkpoint();
            next.count();
        }
        if (lastResults != null) {
            lastResults.unpersist(false);
        }
        states.unpersist(false);
        states = next;
        lastResults = results;
        if (checkpoint) {
            // the lineage now starts at the checkpoint: older θ broadcasts are no longer needed
            while (liveBroadcasts.size() > 0) {
                liveBroadcasts.poll().destroy();
            }
        }
        history.add(s);
        sc.clearJobGroup();
        return s;
    }

    /**
     * {@link GlobalResampling} as Spark jobs: the devices' weight totals (P pairs of numbers) to the server, the
     * server's plan back in the closure, surplus walkers shuffled to their destination partition, and each device's
     * new state zipped from its old one and what it received.
     */
    private JavaRDD<DeviceState> resampleGlobally(int round) {
        List<double[]> totals = states.map(new DeviceTotal()).collect();
        GlobalResampling.Plan plan = GlobalResampling.plan(totals, cfg.seed(), round);
        JavaRDD<GlobalResampling.Walkers> moved = states.mapPartitionsToPair(new Emigrate(plan, cfg.seed()))
                .partitionBy(new DevicePartitioner(cfg.devices())).values();
        return states.zipPartitions(moved, new Immigrate(plan, cfg.seed())).persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * The energies under {@code theta} of every training row, computed on the devices (only the numbers come to the
     * server), in device order.
     */
    @Override
    public double[] dataEnergies(float[] theta) {
        sc.setJobDescription("energies of the training data");
        Broadcast<float[]> b = sc.broadcast(theta);
        RunConfig c = cfg;
        List<double[]> parts = data.map(shard -> {
            EnergyModel m = c.model().create(shard.sampleShape(), org.nd4j.linalg.api.buffer.DataType.FLOAT);
            m.setParams(org.nd4j.linalg.factory.Nd4j.createFromArray(b.value()));
            double[] e = org.sparkebm.core.eval.Energies.of(m, shard.values(), shard.rows(), 512);
            m.release();
            return e;
        }).collect();
        b.destroy();
        return parts.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    /** Each device writes its state to {@code store} from its own task; returns the manifest entries. */
    @Override
    public List<String[]> saveStates(DeviceStore store) {
        sc.setJobDescription("round " + (server.round() - 1) + ": write checkpoint");
        return states.mapPartitionsWithIndex(new WriteState(store), false).collect();
    }

    /** Replaces the device states by those of a checkpoint (read on the executors) and the history. */
    @Override
    public void restore(DeviceStore store, List<RoundSummary> restoredHistory) {
        JavaRDD<DeviceState> loaded = data.map(new ReadState(store)).persist(StorageLevel.MEMORY_AND_DISK());
        states.unpersist(false);
        states = loaded;
        if (lastResults != null) {
            lastResults.unpersist(false);
            lastResults = null;
        }
        // the lineage now starts at the checkpoint files: no broadcast is needed any more
        while (!liveBroadcasts.isEmpty()) {
            liveBroadcasts.poll().destroy();
        }
        history.clear();
        history.addAll(restoredHistory);
    }

    /** The device states collected to the server (for sample PNGs; chains are model samples, not data). */
    @Override
    public List<DeviceState> states() {
        sc.setJobDescription("collect chains");
        return states.collect();
    }

    /** Releases cached RDDs and broadcasts. */
    @Override
    public void close() {
        data.unpersist(false);
        states.unpersist(false);
        if (lastResults != null) {
            lastResults.unpersist(false);
        }
        liveBroadcasts.forEach(Broadcast::destroy);
        liveBroadcasts.clear();
    }

    // ---- Spark functions: static classes capturing only what they need ----

    static final class LoadShard implements Function<Integer, Dataset> {
        private static final long serialVersionUID = 1L;
        private final RunConfig cfg;

        LoadShard(RunConfig cfg) {
            this.cfg = cfg;
        }

        @Override
        public Dataset call(Integer p) {
            return ShardLoader.shard(cfg, p);
        }
    }

    static final class InitState implements Function<Dataset, DeviceState> {
        private static final long serialVersionUID = 1L;
        private final RunConfig cfg;
        private final long numParams;

        InitState(RunConfig cfg, long numParams) {
            this.cfg = cfg;
            this.numParams = numParams;
        }

        @Override
        public DeviceState call(Dataset shard) {
            return DeviceRound.init(cfg, shard, numParams, TaskContext.getPartitionId());
        }
    }

    static final class Step implements FlatMapFunction2<Iterator<Dataset>, Iterator<DeviceState>, DeviceResult> {
        private static final long serialVersionUID = 1L;
        private final RunConfig cfg;
        private final Broadcast<float[]> theta;
        private final int round;
        private final int[] active;
        private final boolean resample;

        Step(RunConfig cfg, Broadcast<float[]> theta, int round, int[] active, boolean resample) {
            this.cfg = cfg;
            this.theta = theta;
            this.round = round;
            this.active = active;
            this.resample = resample;
        }

        @Override
        public Iterator<DeviceResult> call(Iterator<Dataset> shards, Iterator<DeviceState> states) {
            int p = TaskContext.getPartitionId();
            Dataset shard = shards.next();
            DeviceState state = states.next();
            return Collections.singletonList(DeviceRound.run(cfg, theta.value(), shard, state, round, p,
                    DeviceRound.isActive(active, p), resample)).iterator();
        }
    }

    static final class DeviceTotal implements Function<DeviceState, double[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public double[] call(DeviceState s) {
            return GlobalResampling.deviceTotal(s);
        }
    }

    static final class Emigrate implements PairFlatMapFunction<Iterator<DeviceState>, Integer, GlobalResampling.Walkers> {
        private static final long serialVersionUID = 1L;
        private final GlobalResampling.Plan plan;
        private final long seed;

        Emigrate(GlobalResampling.Plan plan, long seed) {
            this.plan = plan;
            this.seed = seed;
        }

        @Override
        public Iterator<Tuple2<Integer, GlobalResampling.Walkers>> call(Iterator<DeviceState> it) {
            int p = TaskContext.getPartitionId();
            List<Tuple2<Integer, GlobalResampling.Walkers>> out = new ArrayList<>();
            GlobalResampling.emigrants(it.next(), plan, p, seed).forEach((dest, w) -> out.add(new Tuple2<>(dest, w)));
            return out.iterator();
        }
    }

    static final class Immigrate implements FlatMapFunction2<Iterator<DeviceState>, Iterator<GlobalResampling.Walkers>, DeviceState> {
        private static final long serialVersionUID = 1L;
        private final GlobalResampling.Plan plan;
        private final long seed;

        Immigrate(GlobalResampling.Plan plan, long seed) {
            this.plan = plan;
            this.seed = seed;
        }

        @Override
        public Iterator<DeviceState> call(Iterator<DeviceState> states, Iterator<GlobalResampling.Walkers> in) {
            List<GlobalResampling.Walkers> received = new ArrayList<>();
            in.forEachRemaining(received::add);
            return Collections.singletonList(GlobalResampling.receive(states.next(), plan, TaskContext.getPartitionId(),
                    received, seed)).iterator();
        }
    }

    static final class WriteState implements Function2<Integer, Iterator<DeviceState>, Iterator<String[]>> {
        private static final long serialVersionUID = 1L;
        private final DeviceStore store;

        WriteState(DeviceStore store) {
            this.store = store;
        }

        @Override
        public Iterator<String[]> call(Integer p, Iterator<DeviceState> it) throws Exception {
            return Collections.singletonList(store.write(p, it.next())).iterator();
        }
    }

    static final class ReadState implements Function<Dataset, DeviceState> {
        private static final long serialVersionUID = 1L;
        private final DeviceStore store;

        ReadState(DeviceStore store) {
            this.store = store;
        }

        @Override
        public DeviceState call(Dataset shard) throws Exception {
            return store.read(TaskContext.getPartitionId());
        }
    }

    static final class Add implements Function2<DeltaAggregator, DeviceResult, DeltaAggregator> {
        private static final long serialVersionUID = 1L;

        @Override
        public DeltaAggregator call(DeltaAggregator agg, DeviceResult r) {
            return agg.add(r);
        }
    }

    static final class Merge implements Function2<DeltaAggregator, DeltaAggregator, DeltaAggregator> {
        private static final long serialVersionUID = 1L;

        @Override
        public DeltaAggregator call(DeltaAggregator a, DeltaAggregator b) {
            return a.merge(b);
        }
    }

    static final class StateOf implements Function<DeviceResult, DeviceState> {
        private static final long serialVersionUID = 1L;

        @Override
        public DeviceState call(DeviceResult r) {
            return r.state();
        }
    }
}
