package org.sparkebm.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** What the smaller commands (scoring, sampling, evaluation, data generation) share. */
final class Commands {
    private Commands() {}

    /**
     * A Spark session: spark-submit's master if set, else {@code master}, else {@code local[*]}; one ND4J
     * thread per executor task (stack.md); with Kryo as {@code spark.serializer}, {@link KryoRegistration}.
     */
    static SparkSession session(String app, String master) {
        SparkConf conf = new SparkConf().setAppName(app)
                .setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1")
                .setIfMissing("spark.ui.showConsoleProgress", "false");
        if (!conf.contains("spark.master")) {
            conf.setMaster(master == null ? "local[*]" : master);
        }
        return SparkSession.builder().config(KryoRegistration.register(conf)).getOrCreate();
    }

    /** Checks of a command's arguments before Spark starts (throw ConfigException for a bad one). */
    @FunctionalInterface
    interface Check {
        void check(CommandArgs a) throws java.io.IOException;
    }

    /** A command's work. */
    @FunctionalInterface
    interface Body {
        void run(SparkSession spark, CommandArgs a) throws Exception;
    }

    /**
     * Parses and checks the arguments (exit code 2 before any work), then runs {@code body} in a Spark session and
     * maps failures to the documented exit codes: 2 bad arguments or an existing output, 3 bad data, 1 anything
     * else (with the stack trace).
     *
     * @param name     for messages, e.g. {@code score}
     * @param defaults every allowed option with its default (null: optional); {@code master} is always allowed
     */
    static ExitCode run(String name, String usage, String[] args, int positionals, java.util.Map<String, String> defaults,
                        Check check, Body body) {
        java.util.Map<String, String> d = new java.util.LinkedHashMap<>(defaults);
        d.putIfAbsent("master", null);
        CommandArgs a;
        try {
            a = new CommandArgs(usage, args, positionals, d);
            check.check(a);
        } catch (org.sparkebm.core.config.ConfigException e) {
            System.err.println("sparkebm " + name + ": " + e.getMessage());
            return ExitCode.BAD_CONFIG;
        } catch (java.io.IOException e) {
            System.err.println("sparkebm " + name + ": " + e.getMessage());
            return ExitCode.INFRASTRUCTURE;
        }
        SparkSession spark = session("SparkEBM " + name, a.get("master"));
        try {
            body.run(spark, a);
            return ExitCode.OK;
        } catch (org.sparkebm.core.config.ConfigException e) {
            System.err.println("sparkebm " + name + ": " + e.getMessage());
            return ExitCode.BAD_CONFIG;
        } catch (org.sparkebm.core.data.DataException e) {
            System.err.println("sparkebm " + name + ": bad data: " + e.getMessage());
            return ExitCode.BAD_DATA;
        } catch (Exception e) {
            System.err.println("sparkebm " + name + ": failed: " + e);
            e.printStackTrace();
            return ExitCode.INFRASTRUCTURE;
        } finally {
            spark.stop();
        }
    }

    /** Refuses an existing output path (nothing is written). */
    static void requireAbsent(String output) throws java.io.IOException {
        if (HadoopFiles.exists(HadoopFiles.path(output))) {
            throw new org.sparkebm.core.config.ConfigException("output " + output + " already exists; nothing was changed");
        }
    }
}
