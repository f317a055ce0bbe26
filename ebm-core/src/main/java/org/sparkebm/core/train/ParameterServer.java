package org.sparkebm.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.config.DeviceSampling;
import org.sparkebm.core.config.Method;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.model.GaussianBaseEnergy;
import org.sparkebm.core.model.GaussianMixtureEnergy;
import org.sparkebm.core.privacy.NoiseAt;
import org.sparkebm.core.privacy.RdpAccountant;
import org.sparkebm.core.util.NdArrays;
import org.sparkebm.core.util.Seeds;

/**
 * The server side of Algorithm 1 ("Distributed and private EBM", lines 21-25) of the draft "Memory Efficient EBM
 * Training" (Karimi, 2021): choose D^t, average the Δ^p, update θ.
 * Shared by the Spark job and {@link LocalTrainer}, so both take exactly the same driver steps.
 */
public final class ParameterServer {
    private final RunConfig config;
    private final INDArray theta;
    private final Optimiser optimiser;
    private final EnergyModel probe;
    private final double logZ0;
    private int round;
    private boolean resampleNext;
    private double lrMultiplier = 1.0;
    private int rollbacks;
    private final RdpAccountant accountant;

    /** Starts from the model's θ_0. */
    public ParameterServer(RunConfig config, EnergyModel initial) {
        this.config = config;
        this.theta = initial.params().castTo(DataType.FLOAT).reshape(-1);
        this.optimiser = Nd4jOptimiser.of(config.optimiser(), theta.length(), config.model().lrScale(initial));
        this.probe = initial instanceof GaussianMixtureEnergy ? initial.copy() : null;
        this.logZ0 = initialLogPartition(config, initial);
        var priv = config.privacy();
        this.accountant = priv.enabled() && priv.noise() > 0
                ? new RdpAccountant(samplingRate(config), priv.noise()) : null;
    }

    /**
     * log Z_0 where it is known exactly: mixture energies, and a Gaussian base whose f starts at zero
     * (log Z_0 = (d/2) log 2πs², or (d/2) log 2π + ½ log det Σ for a fitted base); otherwise 0, and log Z is reported relative to the initial model.
     */
    static double initialLogPartition(RunConfig config, EnergyModel initial) {
        if (initial instanceof GaussianMixtureEnergy g) {
            return g.logPartition();
        }
        if (initial instanceof GaussianBaseEnergy b && config.model().zeroOutput()) {
            return b.baseLogPartition();
        }
        return 0.0;
    }

    /** The device sampling rate q the accountant uses. */
    public static double samplingRate(RunConfig config) {
        return config.deviceFraction() >= 1.0 ? 1.0 : config.deviceFraction();
    }

    /** ε after {@code rounds} rounds (NaN without privacy). */
    public double epsilonAfter(long rounds) {
        return accountant == null ? Double.NaN : accountant.epsilon(rounds, config.privacy().delta())[0];
    }

    /** Whether running one more round keeps ε within privacy.epsilonBudget. */
    public boolean budgetAllowsNextRound() {
        return accountant == null || epsilonAfter(round + 1) <= config.privacy().epsilonBudget();
    }

    /** Whether devices must resample their walkers at the start of the next round (Jarzynski). */
    public boolean resampleNext() {
        return resampleNext;
    }

    /** The next round to run. */
    public int round() {
        return round;
    }

    /** θ as a new float array (what is broadcast). */
    public float[] theta() {
        return theta.dup().data().asFloat();
    }

    public Optimiser optimiser() {
        return optimiser;
    }

    /** The driver's part of a checkpoint (history and timings are the trainer's). */
    public DriverCheckpoint snapshot(List<RoundSummary> history, double[] roundSeconds) {
        INDArray st = optimiser.state();
        float[] os = st.isEmpty() ? new float[0] : st.dup().data().asFloat();
        return new DriverCheckpoint(round, theta(), os,
                resampleNext, lrMultiplier, rollbacks, new ArrayList<>(history), roundSeconds.clone(),
                new TreeMap<>(config.resolved()), config.devices());
    }

    /** Restores θ, optimiser state, round, resampling decision and rollback state from a checkpoint. */
    public void restore(DriverCheckpoint c) {
        this.theta.assign(NdArrays.of(c.theta(), c.theta().length));
        optimiser.setState(c.optimiser().length == 0 ? Nd4j.empty(DataType.FLOAT)
                : NdArrays.of(c.optimiser(), 1, c.optimiser().length));
        this.round = c.nextRound();
        this.resampleNext = c.resampleNext();
        this.lrMultiplier = c.lrMultiplier();
        this.rollbacks = c.rollbacks();
    }

    /** Sets the learning-rate multiplier and rollback count (after a divergence rollback). */
    public void setRecovery(double lrMultiplier, int rollbacks) {
        this.lrMultiplier = lrMultiplier;
        this.rollbacks = rollbacks;
    }

    public double lrMultiplier() {
        return lrMultiplier;
    }

    public int rollbacks() {
        return rollbacks;
    }

    /** D^t: all devices, or a seeded draw without replacement of max(1, round(fraction·P)), ascending. */
    public static int[] participants(RunConfig config, int round) {
        int p = config.devices();
        if (config.deviceFraction() >= 1.0) {
            int[] all = new int[p];
            Arrays.setAll(all, i -> i);
            return all;
        }
        if (config.deviceSampling() == DeviceSampling.POISSON) {
            // each device independently with probability q, from its own seed
            return IntStream.range(0, p).filter(i -> Seeds.random(config.seed(),
                    Seeds.Purpose.DEVICE_SELECT, round, i, 1).nextDouble() < config.deviceFraction()).toArray();
        }
        int count = (int) Math.max(1, Math.round(config.deviceFraction() * p));
        SplittableRandom rng = Seeds.random(config.seed(), Seeds.Purpose.DEVICE_SELECT, round, 0, 0);
        return DeviceUpdate.chooseRows(p, count, rng);
    }

    /**
     * The private mean of the devices' (clipped) updates, or of their data parts under Jarzynski: the sum, plus
     * the driver's noise in driver mode, over the fixed denominator q·P (the expected number of devices), which
     * keeps one device's sensitivity at C / (qP) whatever the realised count.
     */
    private float[] privateSum(RoundAggregate agg, int d) {
        float[] grad = agg.sum(d);
        if (config.privacy().where() == NoiseAt.DRIVER) {
            config.privacy().addNoise(grad, Seeds.random(config.seed(), Seeds.Purpose.PRIVACY_NOISE, round, -1, 0));
        }
        float inv = (float) (1.0 / (samplingRate(config) * config.devices()));
        for (int i = 0; i < d; i++) {
            grad[i] *= inv;
        }
        return grad;
    }

    /** Averages the devices' updates (or combines the Jarzynski parts), takes the optimiser step, advances the round. */
    public RoundSummary finish(RoundAggregate agg) {
        int d = (int) theta.length();
        float[] grad;
        double ess = Double.NaN;
        double logZ = Double.NaN;
        double ce = Double.NaN;
        boolean resample = false;
        if (config.method() == Method.JARZYNSKI) {
            RoundAggregate.JarzynskiAggregate j = agg.jarzynski(d, config.privacy().enabled() ? privateSum(agg, d) : null);
            grad = j.gradient();
            ess = j.ess();
            // log Z_k ≈ log Z_0 + log mean_i exp(A_i): weights are consistent with θ_t here (before this update)
            logZ = logZ0 + j.logSum() - Math.log(j.walkers());
            ce = logZ + j.meanDataEnergy();
            resample = config.jarzynski().shouldResample(ess, j.walkers());
        } else if (config.privacy().enabled()) {
            grad = privateSum(agg, d);
        } else {
            grad = agg.mean(d);
        }
        double updNorm = DeviceUpdate.norm(grad);
        optimiser.step(theta, NdArrays.of(grad, grad.length), round, lrMultiplier);
        List<DeviceMetrics> ms = agg.metrics();
        double ep = 0;
        double en = 0;
        double loss = 0;
        double gn = 0;
        double secs = 0;
        double secsSum = 0;
        int reinit = 0;
        double clfLoss = 0;
        double clfAcc = 0;
        for (DeviceMetrics m : ms) {
            clfLoss += m.clfLoss();
            clfAcc += m.clfAccuracy();
            secsSum += m.stepSeconds();
            ep += m.energyPos();
            en += m.energyNeg();
            loss += m.loss();
            gn += m.gradNorm();
            secs = Math.max(secs, m.stepSeconds());
            reinit += m.reinitialised();
        }
        int n = Math.max(1, ms.size());
        double[] modes = null;
        if (probe instanceof GaussianMixtureEnergy g) {
            g.setParams(theta);
            modes = g.modeWeights();
        }
        RoundSummary s = new RoundSummary(round, agg.deviceIds(), ep / n, en / n, loss / n, gn / n, updNorm,
                agg.encodedBytes(), 4L * d * ms.size() * (config.method() == Method.JARZYNSKI ? 2 : 1), secs, secsSum,
                reinit, ess,
                logZ, ce, resample, modes, epsilonAfter(round + 1), ms.isEmpty() ? Double.NaN : clfLoss / n,
                ms.isEmpty() ? Double.NaN : clfAcc / n);
        resampleNext = resample;
        round++;
        return s;
    }
}
