package org.sparkebm.core.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkebm.core.compress.Compressed;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.train.DeviceResult;
import org.sparkebm.core.train.DeviceRound;
import org.sparkebm.core.train.ParameterServer;

class PrivacyTest {
    @Test
    void accountantMatchesPublishedValues() {
        // TensorFlow Privacy's rdp_accountant_test: q = 0.01, σ = 4, 10,000 steps, orders 2..32, δ = 1e-5
        // → ε = 1.258575 at order 20 (the setting of Abadi et al. 2016, who report ε ≈ 1.26).
        RdpAccountant a = new RdpAccountant(0.01, 4);
        double[] e = a.epsilon(10_000, 1e-5, 32);
        assertEquals(1.258575, e[0], 5e-6);
        assertEquals(20, (int) e[1]);
    }

    @Test
    void withoutSubsamplingRdpIsAnalytic() {
        for (int alpha : new int[] {2, 5, 17}) {
            assertEquals(alpha / (2 * 1.5 * 1.5), RdpAccountant.rdp(1.0, 1.5, alpha), 1e-12);
            // q → 1 from below approaches the unsampled Gaussian
            assertEquals(alpha / (2 * 1.5 * 1.5), RdpAccountant.rdp(1 - 1e-9, 1.5, alpha), 1e-6);
        }
    }

    @Test
    void epsilonGrowsWithStepsAndShrinksWithNoiseAndSampling() {
        double base = new RdpAccountant(0.1, 1.0).epsilon(100, 1e-5)[0];
        assertTrue(new RdpAccountant(0.1, 1.0).epsilon(1000, 1e-5)[0] > base);
        assertTrue(new RdpAccountant(0.1, 2.0).epsilon(100, 1e-5)[0] < base);
        assertTrue(new RdpAccountant(0.01, 1.0).epsilon(100, 1e-5)[0] < base);
    }

    static RunConfig cfg(String... extra) {
        return org.sparkebm.core.config.TestConfigs.of(Map.of("run.name", "p", "data.source", "gmm",
                "data.rows", "200", "model.hidden", "8", "train.batch", "16", "train.chains", "16",
                "chains.buffer", "32", "sampler.steps", "2", "devices.count", "4"), extra);
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float f : v) {
            s += (double) f * f;
        }
        return Math.sqrt(s);
    }

    @Test
    void devicesClipAndNoiseBeforeCompression() {
        RunConfig clipOnly = cfg("privacy.clip=0.01", "privacy.noise=1e-9");
        Shard shard = clipOnly.data().generate(clipOnly.seed()).shard(0, 4);
        float[] theta = new ParameterServer(clipOnly, clipOnly.initialModel(new int[] {2})).theta();
        DeviceResult r = DeviceRound.run(clipOnly, theta, shard, DeviceRound.init(clipOnly, shard, theta.length, 0), 0, 0, true);
        assertTrue(r.metrics().gradNorm() > 0.01, "the raw gradient is above the bound, so clipping matters");
        assertEquals(0.01, norm(Compressed.decode(r.delta()).toDense()), 1e-6, "identity compressor: ||Δ|| = C");
        RunConfig noisy = cfg("privacy.clip=0.01", "privacy.noise=5");
        DeviceResult n = DeviceRound.run(noisy, theta, shard, DeviceRound.init(noisy, shard, theta.length, 0), 0, 0, true);
        double expected = Math.sqrt(theta.length) * 5 * 0.01;
        assertEquals(expected, norm(Compressed.decode(n.delta()).toDense()), 0.25 * expected, "noise std σC per coordinate");
        // top-k with error feedback: the residual is a function of the noised clipped vector only
        RunConfig topk = cfg("privacy.clip=0.01", "privacy.noise=5", "compress.type=topk", "compress.density=0.2");
        DeviceResult t = DeviceRound.run(topk, theta, shard, DeviceRound.init(topk, shard, theta.length, 0), 0, 0, true);
        float[] sent = Compressed.decode(t.delta()).toDense();
        float[] v = new float[theta.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = sent[i] + t.state().residual()[i];
        }
        assertEquals(expected, norm(v), 0.25 * expected, "sent + residual = the noised clipped vector");
    }

    @Test
    void configRefusesUnsoundCombinations() {
        ConfigException a = assertThrows(ConfigException.class,
                () -> cfg("privacy.clip=1", "devices.fraction=0.5"));
        assertTrue(a.getMessage().contains("devices.sampling"), a.getMessage());
        ConfigException b = assertThrows(ConfigException.class,
                () -> cfg("privacy.clip=1", "privacy.noiseAt=driver", "compress.type=topk"));
        assertTrue(b.getMessage().contains("compress.errorFeedback"), b.getMessage());
        cfg("privacy.clip=1", "privacy.noiseAt=driver", "compress.type=topk", "compress.errorFeedback=false");
        cfg("privacy.clip=1", "devices.fraction=0.5", "devices.sampling=poisson");
    }

    @Test
    void poissonSamplingIsSeededPerDevice() {
        RunConfig c = cfg("devices.count=40", "devices.fraction=0.25", "devices.sampling=poisson");
        int total = 0;
        for (int t = 0; t < 200; t++) {
            int[] a = ParameterServer.participants(c, t);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a, ParameterServer.participants(c, t));
            total += a.length;
        }
        assertEquals(0.25 * 40 * 200, total, 0.1 * 0.25 * 40 * 200);
    }

    private static final String[] JARZYNSKI = {"train.method=jarzynski", "sampler.type=ula", "sampler.stepSize=0.01",
        "chains.reinit=0", "chains.init=model", "model.baseStd=1", "model.zeroOutput=true", "sampler.steps=1",
        "chains.buffer=16", "train.chains=16"};

    private static String[] jarzynski(String... extra) {
        String[] all = java.util.Arrays.copyOf(JARZYNSKI, JARZYNSKI.length + extra.length);
        System.arraycopy(extra, 0, all, JARZYNSKI.length, extra.length);
        return all;
    }

    @Test
    void jarzynskiClipsAndNoisesOnlyTheDataPart() {
        RunConfig plain = cfg(jarzynski());
        RunConfig clip = cfg(jarzynski("privacy.clip=0.01", "privacy.noise=1e-9"));
        Shard shard = clip.data().generate(clip.seed()).shard(0, 4);
        float[] theta = new ParameterServer(clip, clip.initialModel(new int[] {2})).theta();
        DeviceResult p = DeviceRound.run(plain, theta, shard, DeviceRound.init(plain, shard, theta.length, 0), 0, 0, true);
        DeviceResult c = DeviceRound.run(clip, theta, shard, DeviceRound.init(clip, shard, theta.length, 0), 0, 0, true);
        assertTrue(norm(Compressed.decode(p.delta()).toDense()) > 0.01, "the raw data part is above the bound");
        assertEquals(0.01, norm(Compressed.decode(c.delta()).toDense()), 1e-6, "data part clipped to C");
        org.junit.jupiter.api.Assertions.assertArrayEquals(Compressed.decode(p.modelDelta()).toDense(),
                Compressed.decode(c.modelDelta()).toDense(), "the weighted model part is untouched");
        assertEquals(p.weights().logSum(), c.weights().logSum(), 0.0);
    }

    @Test
    void jarzynskiWithALooseBoundAndNoNoiseTrainsLikeThePlainRun() {
        // equal shards: the private denominator q·P = 4 equals the plain n_p / n weighting
        // (plain SGD: Adam would blow the tiny noise on zero-gradient coordinates up to full steps)
        RunConfig base = cfg(jarzynski("optimizer.type=sgd", "optimizer.lr=0.05"));
        var plain = new org.sparkebm.core.train.LocalTrainer(base, base.data().generate(0));
        RunConfig loose = cfg(jarzynski("optimizer.type=sgd", "optimizer.lr=0.05", "privacy.clip=1e6", "privacy.noise=1e-12"));
        var priv = new org.sparkebm.core.train.LocalTrainer(loose, loose.data().generate(0));
        plain.run(5);
        var hist = priv.run(5);
        float[] a = plain.server().theta();
        float[] b = priv.server().theta();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-6 * (1 + Math.abs(a[i])), "θ[" + i + "]");
        }
        assertTrue(hist.get(4).epsilon() > 0, "ε is reported");
        RunConfig noisy = cfg(jarzynski("optimizer.type=sgd", "optimizer.lr=0.05", "privacy.clip=1", "privacy.noise=2"));
        var n = new org.sparkebm.core.train.LocalTrainer(noisy, noisy.data().generate(0));
        n.run(5);
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - n.server().theta()[i]));
        }
        assertTrue(diff > 1e-4, "noise σ = 2 moves θ: " + diff);
    }

    @Test
    void jarzynskiPrivacyRefusesDataFittedWalkers() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> cfg(jarzynski("privacy.clip=1", "chains.init=data")));
        assertTrue(e.getMessage().contains("chains.init"), e.getMessage());
    }
}
