package org.sparkebm.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.compress.Identity;
import org.sparkebm.core.config.StepSpec;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.model.GaussianMixtureEnergy;
import org.sparkebm.core.sampling.LangevinSampler;
import org.sparkebm.core.sampling.MixtureInit;
import org.sparkebm.core.sampling.ReplayBuffer;
import org.sparkebm.core.util.LogSpace;

class JarzynskiTest {
    static final int D = 2;

    static GaussianMixtureEnergy gaussian(double mean0, double z) {
        GaussianMixtureEnergy m = new GaussianMixtureEnergy(1, D, null, DataType.DOUBLE);
        m.setParams(Nd4j.createFromArray(mean0, 0.0, z));
        return m;
    }

    static StepSpec spec(double h, int steps, int walkers) {
        return new StepSpec(1_000_000, walkers, steps, 0, LangevinSampler.ula(h), 0, 0, new Identity(), false);
    }

    static Shard someData() {
        return new Shard(new float[] {0.5f, 0f, -0.5f, 0f}, 2, new int[] {D}, null);
    }

    static DeviceState start(GaussianMixtureEnergy m0, int n, long seed) {
        MixtureInit init = new MixtureInit(m0);
        ReplayBuffer buf = ReplayBuffer.create(n, init, someData(), i -> new SplittableRandom(seed * 1_000_003 + i));
        return new DeviceState(init, buf, null, 0, JarzynskiState.fresh(n, D, m0.numParams(), false));
    }

    @Test
    void weightsTrackTheMovingEnergyAndGiveLogZ() {
        // U_k(x) = |x − m_k e1|²/2 + z_k: log Z_k − log Z_0 = −(z_k − z_0) exactly; walkers start from p_0.
        int n = 20_000;
        int rounds = 60;
        double h = 0.01;
        DeviceState s = start(gaussian(0, 0), n, 1);
        WeightStats last = null;
        double lastMean = 0;
        double lastZ = 0;
        for (int k = 0; k <= rounds; k++) {
            lastMean = 1.5 * k / rounds;
            lastZ = 1.0 * k / rounds;
            DeviceResult r = JarzynskiStep.run(gaussian(lastMean, lastZ), spec(h, 1, n), someData(), s, 5, k, 0, false);
            last = r.weights();
            if (k < rounds) {
                s = r.state();
            }
        }
        double logZratio = last.logSum() - Math.log(n);
        assertEquals(-1.0, logZratio, 0.03, "Jarzynski estimate of log Z_k − log Z_0");
        // the weighted walker mean recovers the current mean 1.5 although the walkers lag behind it
        double[] w = s.jarzynski().gradientLogW();
        float[] x = s.buffer().samples();
        double lse = LogSpace.logSumExp(w);
        double weighted = 0;
        double plain = 0;
        for (int i = 0; i < n; i++) {
            weighted += Math.exp(w[i] - lse) * x[i * D];
            plain += x[i * D] / n;
        }
        // s holds the state entering the last round: weights consistent with θ_{rounds-1}
        double target = 1.5 * (rounds - 1) / rounds;
        assertEquals(target, weighted, 0.06, "weighted mean");
        assertTrue(target - plain > 0.4, "unweighted walkers lag (mean " + plain + "), so the test can tell");
        double ess = LogSpace.ess(last.logSum(), last.logSumSq());
        assertTrue(ess > 0.05 * n && ess < n, "ESS " + ess);
    }

    @Test
    void systematicResamplingLosesAndDuplicatesNothingBeyondItsShare() {
        double[] logW = {Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.125), Double.NEGATIVE_INFINITY};
        int n = 8;
        int[] anc = LogSpace.systematic(logW, n, new SplittableRandom(3));
        int[] counts = new int[logW.length];
        for (int a : anc) {
            counts[a]++;
        }
        assertArrayEquals(new int[] {4, 2, 1, 1, 0}, counts);
        for (int t = 0; t < 50; t++) {
            double[] lw = new SplittableRandom(t).doubles(7, -3, 3).toArray();
            int[] c = new int[7];
            for (int a : LogSpace.systematic(lw, 100, new SplittableRandom(t + 100))) {
                c[a]++;
            }
            double lse = LogSpace.logSumExp(lw);
            int total = 0;
            for (int i = 0; i < 7; i++) {
                double expect = 100 * Math.exp(lw[i] - lse);
                assertTrue(c[i] >= Math.floor(expect) - 1e-9 && c[i] <= Math.ceil(expect) + 1e-9, i + ": " + c[i] + " vs " + expect);
                total += c[i];
            }
            assertEquals(100, total);
        }
    }

    @Test
    void resamplingKeepsTheDevicesTotalWeightAndEqualisesWalkers() {
        int n = 1000;
        DeviceState s = start(gaussian(0, 0), n, 2);
        double[] logW = new SplittableRandom(4).doubles(n, -2, 2).toArray();
        JarzynskiState js = new JarzynskiState(logW, new double[n], new float[n * D], logW.clone(), false, null);
        s = new DeviceState(s.init(), s.buffer(), null, 0, js);
        DeviceResult r = JarzynskiStep.run(gaussian(0, 0), spec(0.01, 0, n), someData(), s, 1, 0, 0, true);
        assertEquals(LogSpace.logSumExp(logW), r.weights().logSum(), 1e-9, "island resampling keeps the device's total");
        assertEquals(n, LogSpace.ess(r.weights().logSum(), r.weights().logSumSq()), 1e-6, "equal weights after resampling");
        assertEquals(n, r.metrics().reinitialised());
        // every resampled walker is a copy of an original walker
        java.util.Set<String> orig = new java.util.HashSet<>();
        float[] before = s.buffer().samples();
        for (int i = 0; i < n; i++) {
            orig.add(before[i * D] + "," + before[i * D + 1]);
        }
        float[] after = r.state().buffer().samples();
        for (int i = 0; i < n; i++) {
            assertTrue(orig.contains(after[i * D] + "," + after[i * D + 1]));
        }
    }

    @Test
    void distributedNormalisationEqualsOneDeviceWithAllWalkers() {
        int per = 250;
        GaussianMixtureEnergy m = new GaussianMixtureEnergy(2, D, null, DataType.DOUBLE);
        m.setParams(Nd4j.createFromArray(-1.0, 0.3, 2.0, -0.5, 0.2, -0.4));
        double[] offsets = {0, 50, -30, 5}; // very different device weights
        SplittableRandom rng = new SplittableRandom(9);
        float[] allX = new float[4 * per * D];
        double[] allW = new double[4 * per];
        DeltaAggregator agg = new DeltaAggregator();
        Shard data = new Shard(new float[] {0.5f, 0f, -0.5f, 1f, 2f, 2f, -1f, 0f}, 4, new int[] {D}, null);
        for (int p = 0; p < 4; p++) {
            float[] x = new float[per * D];
            double[] w = new double[per];
            for (int i = 0; i < per; i++) {
                x[i * D] = (float) (3 * rng.nextGaussian());
                x[i * D + 1] = (float) rng.nextGaussian();
                w[i] = offsets[p] + rng.nextGaussian();
            }
            System.arraycopy(x, 0, allX, p * per * D, per * D);
            System.arraycopy(w, 0, allW, p * per, per);
            DeviceState s = new DeviceState(null, ReplayBuffer.of(per, D, x), null, 0,
                    new JarzynskiState(w, new double[per], new float[per * D], w.clone(), false, null));
            agg = agg.add(JarzynskiStep.run(m, spec(0.01, 0, per), data.shard(p, 4), s, 1, 0, p, false));
        }
        DeviceState one = new DeviceState(null, ReplayBuffer.of(4 * per, D, allX), null, 0,
                new JarzynskiState(allW, new double[4 * per], new float[4 * per * D], allW.clone(), false, null));
        DeltaAggregator single = new DeltaAggregator().add(JarzynskiStep.run(m, spec(0.01, 0, 4 * per), data, one, 1, 0, 0, false));
        RoundAggregate.JarzynskiAggregate a = agg.jarzynski((int) m.numParams());
        RoundAggregate.JarzynskiAggregate b = single.jarzynski((int) m.numParams());
        assertArrayEquals(b.gradient(), a.gradient(), 1e-5f);
        assertEquals(b.logSum(), a.logSum(), 1e-9);
        assertEquals(b.ess(), a.ess(), 1e-6 * b.ess());
        assertTrue(Double.isFinite(a.logSum()) && a.logSum() > 50, "weights up to e^55 combine without overflow");
    }
}
