package org.sparkebm.spark.cli;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.spark.engine.Sessions;
import org.sparkebm.spark.io.HadoopFiles;

/** What the smaller commands (scoring, sampling, evaluation, data generation) share. */
final class Commands {
    private Commands() {}

    /** Checks of a command's arguments before Spark starts (throw ConfigException for a bad one). */
    @FunctionalInterface
    interface Check {
        void check(CommandArgs a) throws IOException;
    }

    /** A command's work. */
    @FunctionalInterface
    interface Body {
        void run(SparkSession spark, CommandArgs a) throws Exception;
    }

    /**
     * Parses and checks the arguments (exit code 2 before any work), then runs {@code body} in a Spark session and
     * maps failures to the documented exit codes ({@link ExitCode#of}).
     *
     * @param name     for messages, e.g. {@code score}
     * @param defaults every allowed option with its default (null: optional); {@code master} is always allowed
     */
    static ExitCode run(String name, String usage, String[] args, int positionals, Map<String, String> defaults,
                        Check check, Body body) {
        Map<String, String> d = new LinkedHashMap<>(defaults);
        d.putIfAbsent("master", null);
        CommandArgs a;
        try {
            a = new CommandArgs(usage, args, positionals, d);
            check.check(a);
        } catch (Exception e) {
            return ExitCode.of(name, e);
        }
        SparkSession spark = Sessions.open("SparkEBM " + name, a.get("master"));
        try {
            body.run(spark, a);
            return ExitCode.OK;
        } catch (Exception e) {
            return ExitCode.of(name, e);
        } finally {
            spark.stop();
        }
    }

    /** Refuses an existing output path (nothing is written). */
    static void requireAbsent(String output) throws IOException {
        if (HadoopFiles.exists(HadoopFiles.path(output))) {
            throw new ConfigException("output " + output + " already exists; nothing was changed");
        }
    }
}
