package org.sparkebm.spark.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.eval.Energies;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.train.DeviceResult;
import org.sparkebm.core.train.DeviceRound;
import org.sparkebm.core.train.DeviceState;
import org.sparkebm.core.train.DeviceStore;
import org.sparkebm.core.train.GlobalResampling;
import org.sparkebm.core.train.ParameterServer;
import org.sparkebm.core.train.RoundAggregate;
import org.sparkebm.core.train.RoundSummary;
import org.sparkebm.core.train.Trainer;
import org.sparkebm.spark.data.DevicePartitioner;
import org.sparkebm.spark.data.ShardLoader;
import scala.Tuple2;

/**
 * The Spark engine of {@link Trainer}: one round is one distributed step. Each partition is a device; its data shard lives in a cached RDD and its
 * chain state in an RDD rebuilt every round from the previous one ({@code zipPartitions}), so a lost or retried
 * task recomputes exactly the same state from lineage (device steps are deterministic functions of their seeds).
 * The state RDD is checkpointed every {@code spark.rddCheckpointEvery} rounds to cut the lineage; θ broadcasts that
 * lineage may still need are kept until then and destroyed after.
 */
public final class SparkTrainer implements Trainer {
    private final JavaSparkContext sc;
    private final RunConfig cfg;
    private final ParameterServer server;
    private final long numParams;
    private final Aggregation aggregation;
    private final JavaRDD<Shard> data;
    private JavaRDD<DeviceState> states;
    private JavaRDD<DeviceResult> lastResults;
    private final Deque<Broadcast<float[]>> liveBroadcasts = new ArrayDeque<>();
    private final List<RoundSummary> history = new ArrayList<>();
    private final TaskFailureListener failures = new TaskFailureListener();
    /** RDDs in the device-state lineage since it was last cut (a reliable checkpoint, or states read from files). */
    private int lineage;

    public SparkTrainer(JavaSparkContext sc, RunConfig cfg, int[] sampleShape, String checkpointDir) {
        this(sc, cfg, sampleShape, checkpointDir, null);
    }

    /**
     * @param shards one data shard per device (tabular data, {@link Tabular}), or null to load each device's shard
     *               from the config on its executor (synthetic and IDX data)
     */
    public SparkTrainer(JavaSparkContext sc, RunConfig cfg, int[] sampleShape, String checkpointDir,
                        JavaRDD<Shard> shards) {
        this.sc = sc;
        this.cfg = cfg;
        EnergyModel m0 = cfg.initialModel(sampleShape);
        this.numParams = m0.numParams();
        this.server = new ParameterServer(cfg, m0);
        // checked before anything is made: a round whose results cannot reach the driver fails here, with its key
        this.aggregation = Aggregation.of(sc, cfg, Math.toIntExact(numParams));
        System.out.println("sparkebm: aggregation " + aggregation.describe());
        if (checkpointDir != null) {
            sc.setCheckpointDir(checkpointDir);
        }
        sc.sc().addSparkListener(failures);
        if (lineageLimitRounds(cfg) < cfg.spark().rddCheckpointEvery()) {
            System.out.printf(Locale.ROOT, "sparkebm: spark.rddCheckpointEvery = %d is past the lineage a task can"
                    + " deserialise; the device-state RDD is also checkpointed every %d rounds%n", cfg.spark().rddCheckpointEvery(),
                    lineageLimitRounds(cfg));
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
     * combined ({@link Aggregation}: collected, or reduce-scattered by slice), the server updates θ; the next states are the results' states.
     */
    @Override
    public RoundSummary runRound() {
        try {
            return step();
        } catch (Exception e) { // Spark's SparkException is checked, thrown from Scala undeclared
            throw explain(e);
        }
    }

    /**
     * The most RDDs of device-state lineage a round may leave uncut. A task carries its RDD's whole lineage back to
     * the last checkpoint, and Java deserialisation recurses once per level: past a few hundred levels the executor's
     * task thread overflows its stack: at about 410 levels with the default 1 MB thread stacks (a Jarzynski W1 run with
     * 4 devices died in its round 205), so this keeps 2.5 times below (docs/config.md). A round adds two
     * levels (the device step zipped with the states, and the states mapped out of the results), three with global
     * resampling. The system property {@code sparkebm.maxLineage} overrides it (to measure the limit again).
     */
    static final int MAX_LINEAGE = Integer.getInteger("sparkebm.maxLineage", 160);

    /** Rounds between lineage cuts when every round adds the most levels (what the job announces). */
    public static int lineageLimitRounds(RunConfig cfg) {
        return (MAX_LINEAGE - 3) / (cfg.jarzynski().global() ? 3 : 2);
    }

    /**
     * A failed round as its first real cause where a task died of an error that takes Spark down with it (stack
     * overflow, out of memory): what reaches this code then is shutdown noise. Other failures are Spark's own
     * exception, unchanged.
     */
    private RuntimeException explain(Exception e) {
        RuntimeException as = e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
        // the aborted job's exception usually names the error; where Spark died of it first (a stopped context and
        // its noise is what reached here), the listener saw the task
        String fatal = fatalCause(e);
        if (fatal == null && sc.sc().isStopped()) {
            String first = failures.first(2000);
            fatal = first != null && isFatal(first) ? first : null;
        }
        if (fatal == null) {
            return as;
        }
        String hint = fatal.equals(StackOverflowError.class.getName())
                ? " while deserialising a task: the device-state lineage is too deep; lower spark.rddCheckpointEvery (now "
                + cfg.spark().rddCheckpointEvery() + ")"
                : ": an executor ran out of memory; give executors more memory (spark.executor.memory) or lower"
                + " train.batch, train.chains or chains.buffer";
        String msg = "a Spark task failed in round " + server.round() + ": " + fatal + hint;
        // printed now: in local mode Spark's handler for the task's fatal error may end the JVM (exit code 50) before
        // the exception reaches the command's report
        System.err.println("sparkebm: " + msg);
        return new SparkJobFailedException(msg, e, true);
    }

    private static boolean isFatal(String className) {
        return className.equals(StackOverflowError.class.getName()) || className.equals(OutOfMemoryError.class.getName());
    }

    /** The name of the stack overflow or out-of-memory error behind a failed job, as its task reported it; or null. */
    static String fatalCause(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            for (Class<?> fatal : List.of(StackOverflowError.class, OutOfMemoryError.class)) {
                if (fatal.isInstance(c) || (c.getMessage() != null && c.getMessage().contains(fatal.getName()))) {
                    return fatal.getName();
                }
            }
        }
        return null;
    }

    private RoundSummary step() {
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
        sc.setJobGroup("round-" + t, "round " + t + ": device step + aggregation", false);
        JavaRDD<DeviceResult> results = data.zipPartitions(input, new Step(cfg, theta, t, active, resample))
                .persist(StorageLevel.MEMORY_AND_DISK());
        RoundAggregate agg = aggregation.combine(results);
        if (input != states) {
            input.unpersist(false);
        }
        RoundSummary s = server.finish(agg);
        JavaRDD<DeviceState> next = results.map(new StateOf()).persist(StorageLevel.MEMORY_AND_DISK());
        lineage += input != states ? 3 : 2;
        boolean checkpoint = (t + 1) % cfg.spark().rddCheckpointEvery() == 0 || lineage + 3 > MAX_LINEAGE;
        if (checkpoint) {
            sc.setJobDescription("round " + t + ": checkpoint device state");
            next.checkpoint();
            next.count();
        } else if (aggregation.releaseResultsEachRound()) {
            sc.setJobDescription("round " + t + ": keep device state");
            next.count();
        }
        if (lastResults != null) {
            lastResults.unpersist(false);
        }
        states.unpersist(false);
        states = next;
        lastResults = results;
        if (aggregation.releaseResultsEachRound()) {
            // the states are cached: the messages need not wait for the next round
            results.unpersist(false);
            lastResults = null;
        }
        if (checkpoint) {
            // the lineage now starts at the checkpoint: older θ broadcasts are no longer needed
            lineage = 0;
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
            EnergyModel m = c.model().create(shard.sampleShape(), DataType.FLOAT);
            m.setParams(Nd4j.createFromArray(b.value()));
            double[] e = Energies.of(m, shard.values(), shard.rows(), 512);
            m.release();
            return e;
        }).collect();
        b.destroy();
        return parts.stream().flatMapToDouble(Arrays::stream).toArray();
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
        lineage = 1;
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

    static final class LoadShard implements Function<Integer, Shard> {
        private static final long serialVersionUID = 1L;
        private final RunConfig cfg;

        LoadShard(RunConfig cfg) {
            this.cfg = cfg;
        }

        @Override
        public Shard call(Integer p) {
            return ShardLoader.shard(cfg, p);
        }
    }

    static final class InitState implements Function<Shard, DeviceState> {
        private static final long serialVersionUID = 1L;
        private final RunConfig cfg;
        private final long numParams;

        InitState(RunConfig cfg, long numParams) {
            this.cfg = cfg;
            this.numParams = numParams;
        }

        @Override
        public DeviceState call(Shard shard) {
            return DeviceRound.init(cfg, shard, numParams, TaskContext.getPartitionId());
        }
    }

    static final class Step implements FlatMapFunction2<Iterator<Shard>, Iterator<DeviceState>, DeviceResult> {
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
        public Iterator<DeviceResult> call(Iterator<Shard> shards, Iterator<DeviceState> states) {
            int p = TaskContext.getPartitionId();
            Shard shard = shards.next();
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

    static final class ReadState implements Function<Shard, DeviceState> {
        private static final long serialVersionUID = 1L;
        private final DeviceStore store;

        ReadState(DeviceStore store) {
            this.store = store;
        }

        @Override
        public DeviceState call(Shard shard) throws Exception {
            return store.read(TaskContext.getPartitionId());
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
