package org.sparkebm.spark.cli;

import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.data.DataException;
import org.sparkebm.spark.engine.SparkJobFailedException;
import org.sparkebm.spark.run.DivergedException;

/** Process exit codes of the SparkEBM commands (documented in README.md), and the one mapping of failures to them. */
public enum ExitCode {
    OK(0), INFRASTRUCTURE(1), BAD_CONFIG(2), BAD_DATA(3), DIVERGED(4);

    public final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /**
     * Prints why {@code command} failed to standard error and returns its exit code: a bad config, argument or
     * existing output 2, bad data 3, divergence 4, anything else 1 (with the stack trace, for the operator).
     */
    public static ExitCode of(String command, Throwable e) {
        String who = "sparkebm " + command + ": ";
        if (e instanceof ConfigException) {
            System.err.println(who + "bad config: " + e.getMessage());
            return BAD_CONFIG;
        }
        if (e instanceof DataException) {
            System.err.println(who + "bad data: " + e.getMessage());
            return BAD_DATA;
        }
        if (e instanceof DivergedException) {
            System.err.println(who + "training diverged: " + e.getMessage());
            return DIVERGED;
        }
        if (e instanceof SparkJobFailedException f) {
            if (!f.reported()) {
                System.err.println(who + "failed: " + e.getMessage()); // the message is the diagnosis
            }
            return INFRASTRUCTURE;
        }
        System.err.println(who + "failed: " + e);
        e.printStackTrace();
        return INFRASTRUCTURE;
    }
}
