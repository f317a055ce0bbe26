package org.sparkebm.spark.cli;

import java.util.List;
import java.util.Locale;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.DataSource;
import org.sparkebm.core.data.PcaProjection;
import org.sparkebm.core.data.Shard;
import org.sparkebm.spark.data.ShardLoader;

/**
 * {@code FitProjection <config> <out path> <components> [key=value ...]}: fits the PCA projection of the IDX data a
 * config names (all of it, on this JVM; the config's own {@code data.projection} is ignored) and writes it atomically
 * to {@code out path} (any Hadoop path) for {@code data.projection}. Refuses to overwrite an existing file. Like the
 * Gaussian base, the projection is a prior derived from the whole data set.
 */
public final class FitProjection {
    static final String USAGE = "usage: FitProjection <config.properties> <out path> <components m> [key=value ...]";

    private FitProjection() {}

    public static void main(String[] args) {
        System.exit(run(args).code);
    }

    public static ExitCode run(String[] args) {
        return FitBase.fit("fit-projection", args, 3, USAGE, (a, rest) -> {
            int m;
            try {
                m = Integer.parseInt(a[2]);
            } catch (NumberFormatException e) {
                m = 0;
            }
            if (m < 1) {
                throw new ConfigException("components = " + a[2] + ": must be an integer >= 1");
            }
            // the projection (and a base fitted in its coordinates) is what is being written: parse without them
            RunConfig cfg = FitBase.configWithout(a[0], List.of("data.projection=", "model.basePath=", "chains.init=uniform"), rest);
            if (cfg.data().source() != DataSource.IDX) {
                throw new ConfigException(a[0] + ": data.source = " + cfg.data().source() + "; a projection is fitted to IDX images");
            }
            int comps = m;
            return () -> {
                Shard data = ShardLoader.loadAll(cfg);
                if (comps > data.dim()) {
                    throw new ConfigException("components = " + comps + " exceeds the data's dimension " + data.dim());
                }
                long t0 = System.nanoTime();
                PcaProjection p = PcaProjection.fit(data, comps);
                float[] s = p.scales();
                System.out.printf(Locale.ROOT, "sparkebm: %d principal directions of %d rows of dimension %d in"
                                + " %.1f s; they hold %.1f%% of the variance (scales %.3g .. %.3g)%n", comps, data.rows(),
                        data.dim(), (System.nanoTime() - t0) / 1e9, 100 * p.explainedVariance(), s[0], s[comps - 1]);
                return p.toBytes();
            };
        });
    }
}
