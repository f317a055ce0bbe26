package org.sparkebm.spark;

import java.util.Arrays;
import java.util.List;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.Dataset;
import org.sparkebm.core.model.FittedGaussian;

/**
 * {@code FitBase <config> <out path> [ridge] [key=value ...]}: fits the full-covariance Gaussian N(μ, Σ + ridge·I) to
 * the data a config names (all of it, on this JVM) and writes it atomically to {@code out path} (any Hadoop path),
 * for {@code model.basePath}. Refuses to overwrite an existing file. The base is a prior derived from the whole data
 * set: run it where the data may be read as a whole, and not for runs that must be differentially private.
 */
public final class FitBase {
    static final String USAGE = "usage: FitBase <config.properties> <out path> [ridge (default 0.05)] [key=value ...]";

    private FitBase() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println(USAGE);
            System.exit(ExitCode.BAD_CONFIG.code);
        }
        double ridge = 0.05;
        int next = 2;
        if (args.length > 2 && !args[2].contains("=")) {
            ridge = Double.parseDouble(args[2]);
            next = 3;
        }
        // the config's own model.basePath is what is being written: parse without it (and without walkers drawn from it)
        List<String> overrides = new java.util.ArrayList<>(List.of("model.basePath=", "chains.init=uniform"));
        overrides.addAll(Arrays.asList(args).subList(next, args.length));
        RunConfig cfg;
        try {
            cfg = RunConfig.load(java.nio.file.Path.of(args[0]), overrides);
        } catch (ConfigException e) {
            System.err.println("sparkebm: " + e.getMessage());
            System.exit(ExitCode.BAD_CONFIG.code);
            return;
        }
        org.apache.hadoop.fs.Path out = HadoopFiles.path(args[1]);
        if (HadoopFiles.exists(out)) {
            System.err.println("sparkebm: " + out + " exists; FitBase never overwrites a base file (runs may use it)");
            System.exit(ExitCode.BAD_CONFIG.code);
        }
        Dataset data = ShardLoader.loadAll(cfg);
        long t0 = System.nanoTime();
        FittedGaussian g = FittedGaussian.fit(data, ridge);
        HadoopFiles.writeAtomically(out, g.toBytes());
        System.out.printf("sparkebm: fitted N(mu, Sigma + %.3g I) to %d rows of dimension %d in %.1f s; log Z of the base %.3f; wrote %s%n",
                ridge, data.rows(), data.dim(), (System.nanoTime() - t0) / 1e9, g.logPartition(), out);
    }
}
