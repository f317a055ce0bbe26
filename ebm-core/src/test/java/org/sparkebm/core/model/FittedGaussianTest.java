package org.sparkebm.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.Shard;

class FittedGaussianTest {
    @TempDir
    Path tmp;

    /** n rows of x = m + A z in 3-D with a known covariance A Aᵀ. */
    static Shard correlated(int n, long seed) {
        double[][] a = {{1.0, 0, 0}, {0.8, 0.6, 0}, {-0.5, 0.3, 0.4}};
        double[] m = {2, -1, 0.5};
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n * 3];
        for (int i = 0; i < n; i++) {
            double[] z = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            for (int r = 0; r < 3; r++) {
                double s = m[r];
                for (int c = 0; c < 3; c++) {
                    s += a[r][c] * z[c];
                }
                v[i * 3 + r] = (float) s;
            }
        }
        return new Shard(v, n, new int[] {3}, null);
    }

    @Test
    void energyIsTheGaussianQuadraticFormAndLogZIsAnalytic() {
        FittedGaussian g = FittedGaussian.fit(correlated(20_000, 1), 1e-6);
        // Σ = A Aᵀ: det = (1·0.6·0.4)² → log det Σ = 2 log 0.24
        double expectedLogZ = 1.5 * Math.log(2 * Math.PI) + Math.log(0.24);
        assertEquals(expectedLogZ, g.logPartition(), 0.03, "log Z from the fitted covariance");
        // exact draws from the fit, re-fitted, give back the same Gaussian (energy of a fixed point agrees)
        float[] draws = new float[20_000 * 3];
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < 20_000; i++) {
            g.draw(draws, i * 3, rng);
        }
        FittedGaussian again = FittedGaussian.fit(new Shard(draws, 20_000, new int[] {3}, null), 1e-6);
        INDArray x = org.sparkebm.core.util.NdArrays.of(new float[] {2.5f, -0.2f, 0.1f, 1f, -2f, 1f}, 2, 3)
                .castTo(DataType.DOUBLE);
        INDArray e1 = g.energy(x, null);
        INDArray e2 = again.energy(x, null);
        for (int i = 0; i < 2; i++) {
            assertEquals(e1.getDouble(i), e2.getDouble(i), 0.05 * (1 + e1.getDouble(i)));
        }
        // the mean is the minimum, with energy 0
        INDArray mu = org.sparkebm.core.util.NdArrays.of(new float[] {2, -1, 0.5f}, 1, 3).castTo(DataType.DOUBLE);
        assertEquals(0, g.energy(mu, null).getDouble(0), 0.02);
    }

    @Test
    void baseEnergyGradientsMatchFiniteDifferences() {
        FittedGaussian g = FittedGaussian.fit(correlated(500, 3), 0.01);
        GaussianBaseEnergy m = new GaussianBaseEnergy(new MlpEnergy(new int[] {3}, new int[] {6}, Activation.SILU,
                DataType.DOUBLE).initialise(new SplittableRandom(21)), g);
        INDArray x = GradientCheck.randomInput(4, 3, 1.0, 22);
        GradientCheck.checkInputGradient(m, x, 1000, 23);
        GradientCheck.checkParamGradient(m, x, 1000, 24);
        MlpEnergy zero = new MlpEnergy(new int[] {3}, new int[] {6}, Activation.SILU, DataType.DOUBLE)
                .initialise(new SplittableRandom(1)).zeroOutputLayer();
        GaussianBaseEnergy z = new GaussianBaseEnergy(zero, g);
        assertArrayEquals(g.energy(x, null).toDoubleVector(), z.energy(x).toDoubleVector(), 1e-12,
                "with f = 0 the energy is the base's");
        assertEquals(g.logPartition(), z.baseLogPartition(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> new GaussianBaseEnergy(
                new MlpEnergy(new int[] {4}, new int[] {6}, Activation.SILU, DataType.DOUBLE), g));
    }

    @Test
    void fileRoundTripAndCorruptFilesAreNamed() throws IOException {
        FittedGaussian g = FittedGaussian.fit(correlated(100, 4), 0.01);
        byte[] b = g.toBytes();
        assertEquals(16 + 4 * (3 + 2 * 9), b.length, "header + μ + L + Σ⁻¹");
        FittedGaussian back = FittedGaussian.read(new ByteArrayInputStream(b), "mem");
        assertArrayEquals(b, back.toBytes());
        IOException t = assertThrows(IOException.class, () -> FittedGaussian.read(
                new ByteArrayInputStream(java.util.Arrays.copyOf(b, b.length - 5)), "cut.bin"));
        assertTrue(t.getMessage().contains("cut.bin") && t.getMessage().contains("truncated"), t.getMessage());
        byte[] bad = b.clone();
        bad[0] = 0;
        assertTrue(assertThrows(IOException.class, () -> FittedGaussian.read(new ByteArrayInputStream(bad), "x.bin"))
                .getMessage().contains("bad magic"));
    }

    static RunConfig cfg(String... extra) {
        return org.sparkebm.core.config.TestConfigs.of(Map.of("run.name", "b", "data.source", "gmm",
                "data.rows", "200", "model.hidden", "8", "train.batch", "16", "train.chains", "16",
                "chains.buffer", "16", "sampler.steps", "1"), extra);
    }

    @Test
    void configReadsTheBaseAndRefusesBadOnes() throws IOException {
        RunConfig plain = cfg();
        Shard data = plain.data().generate(plain.seed());
        Path file = tmp.resolve("base.bin");
        Files.write(file, FittedGaussian.fit(data, 0.01).toBytes());
        RunConfig c = cfg("model.basePath=" + file.toUri(), "model.zeroOutput=true", "chains.init=model");
        EnergyModel m0 = c.initialModel(data.sampleShape());
        assertTrue(m0 instanceof GaussianBaseEnergy b && b.fitted() != null);
        // walkers drawn from the initial model are draws of the fitted Gaussian
        var state = org.sparkebm.core.train.DeviceRound.init(c, data, m0.numParams(), 0);
        assertTrue(state.init() instanceof org.sparkebm.core.sampling.FittedGaussianInit);
        // a missing base file is bad data (exit code 3), named with its key
        org.sparkebm.core.data.DataException missing = assertThrows(org.sparkebm.core.data.DataException.class,
                () -> cfg("model.basePath=" + tmp.resolve("nope.bin").toUri()));
        assertTrue(missing.getMessage().contains("model.basePath") && missing.getMessage().contains("nope.bin"),
                missing.getMessage());
        ConfigException both = assertThrows(ConfigException.class,
                () -> cfg("model.basePath=" + file.toUri(), "model.baseStd=1"));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        ConfigException priv = assertThrows(ConfigException.class,
                () -> cfg("model.basePath=" + file.toUri(), "privacy.clip=1"));
        assertTrue(priv.getMessage().contains("privacy"), priv.getMessage());
    }
}
