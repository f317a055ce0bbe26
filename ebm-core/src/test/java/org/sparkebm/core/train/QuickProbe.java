package org.sparkebm.core.train;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkebm.core.config.RunConfig;

@Tag("probe")
class QuickProbe {
    @Test
    void probe() {
        RunConfig cfg = RunConfig.load(Path.of(System.getProperty("probe.conf")), List.of(System.getProperty("probe.args", "run.seed=7").split(" ")));
        LocalTrainer t = new LocalTrainer(cfg, cfg.data().generate(cfg.seed()));
        long t0 = System.nanoTime();
        for (int i = 0; i < cfg.rounds(); i += 25) {
            List<RoundSummary> h = t.run(25);
            RoundSummary s = h.get(h.size() - 1);
            System.out.printf("round %d  E+ %.3f  E- %.3f  loss %.4f  |g| %.3f  bytes %d/%d  %.1fs%n", s.round(), s.energyPos(), s.energyNeg(), s.loss(), s.gradNorm(), s.encodedBytes(), s.denseBytes(), (System.nanoTime() - t0) / 1e9);
        }
        org.sparkebm.core.model.EnergyModel m = cfg.model().create(new int[] {2}, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        m.setParams(org.nd4j.linalg.factory.Nd4j.createFromArray(t.driver().theta()));
        // grid mode weights: left vs right of x=0
        int n = 200; double lim = 6;
        float[] g = new float[2 * n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) { g[2 * (i * n + j)] = (float) (-lim + 2 * lim * i / (n - 1)); g[2 * (i * n + j) + 1] = (float) (-lim + 2 * lim * j / (n - 1)); }
        double[] e = m.energy(org.nd4j.linalg.factory.Nd4j.create(g, new long[] {n * n, 2}, 'c')).toDoubleVector();
        double mn = java.util.Arrays.stream(e).min().getAsDouble(); double left = 0, tot = 0;
        for (int k = 0; k < e.length; k++) { double w = Math.exp(-(e[k] - mn)); tot += w; if (g[2 * k] < 0) left += w; }
        System.out.println("weight left " + left / tot);
    }
}
