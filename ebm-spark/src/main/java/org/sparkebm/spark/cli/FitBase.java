package org.sparkebm.spark.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.model.FittedGaussian;
import org.sparkebm.spark.data.ShardLoader;
import org.sparkebm.spark.io.HadoopFiles;

/**
 * {@code FitBase <config> <out path> [ridge] [key=value ...]}: fits the full-covariance Gaussian N(μ, Σ + ridge·I) to
 * the data a config names (all of it, on this JVM; in principal coordinates when the config sets
 * {@code data.projection}) and writes it atomically to {@code out path} (any Hadoop path), for {@code model.basePath}.
 * Refuses to overwrite an existing file. The base is a prior derived from the whole data set: run it where the data
 * may be read as a whole, and not for runs that must be differentially private.
 */
public final class FitBase {
    static final String USAGE = "usage: FitBase <config.properties> <out path> [ridge (default 0.05)] [key=value ...]";

    private FitBase() {}

    public static void main(String[] args) {
        System.exit(run(args).code);
    }

    public static ExitCode run(String[] args) {
        return fit("fit-base", args, 2, USAGE, (a, rest) -> {
            double ridge = 0.05;
            List<String> user = rest;
            if (!rest.isEmpty() && !rest.get(0).contains("=")) {
                try {
                    ridge = Double.parseDouble(rest.get(0));
                } catch (NumberFormatException e) {
                    ridge = Double.NaN;
                }
                if (!(ridge > 0)) {
                    throw new ConfigException("ridge = " + rest.get(0) + ": must be a number > 0");
                }
                user = rest.subList(1, rest.size());
            }
            double r = ridge;
            RunConfig cfg = configWithout(a[0], List.of("model.basePath=", "chains.init=uniform"), user);
            return () -> {
                Shard data = ShardLoader.loadAll(cfg);
                long t0 = System.nanoTime();
                FittedGaussian g = FittedGaussian.fit(data, r);
                System.out.printf(Locale.ROOT, "sparkebm: fitted N(mu, Sigma + %.3g I) to %d rows of dimension %d"
                                + " in %.1f s; log Z of the base %.3f%n", r, data.rows(), data.dim(),
                        (System.nanoTime() - t0) / 1e9, g.logPartition());
                return g.toBytes();
            };
        });
    }

    /** What a fitting command does once its arguments are checked: the bytes of the fitted file. */
    interface Fit {
        byte[] bytes() throws Exception;
    }

    /** Checks the arguments and the config; returns the work. Throws ConfigException for a bad one. */
    interface Prepare {
        Fit prepare(String[] positional, List<String> rest) throws Exception;
    }

    /**
     * The shared runner of the fitting commands: {@code positionals} arguments (config, out path, ...), then options;
     * a bad argument, a bad config or an existing output gives exit 2 before any work, bad data exit 3; the file is
     * written atomically and never overwritten (runs may use it).
     */
    static ExitCode fit(String command, String[] args, int positionals, String usage, Prepare prepare) {
        if (args.length < positionals) {
            System.err.println(usage);
            return ExitCode.BAD_CONFIG;
        }
        try {
            Fit work = prepare.prepare(Arrays.copyOf(args, positionals),
                    Arrays.asList(args).subList(positionals, args.length));
            org.apache.hadoop.fs.Path out = HadoopFiles.path(args[1]);
            if (HadoopFiles.exists(out)) {
                throw new ConfigException(out + " exists; a fitted file is never overwritten (runs may use it)");
            }
            byte[] bytes = work.bytes();
            HadoopFiles.writeAtomically(out, bytes);
            System.out.println("sparkebm: wrote " + out + " (" + bytes.length + " bytes)");
            return ExitCode.OK;
        } catch (Exception e) {
            return ExitCode.of(command, e);
        }
    }

    /** The config at {@code path} with {@code clear} applied first (the file being fitted must not be read), then the user's overrides. */
    static RunConfig configWithout(String path, List<String> clear, List<String> user) {
        List<String> overrides = new ArrayList<>(clear);
        overrides.addAll(user);
        return RunConfig.load(java.nio.file.Path.of(path), overrides);
    }
}
