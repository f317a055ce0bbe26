package org.sparkebm.spark;

/** Process exit codes of the SparkEBM commands (documented in README.md). */
public enum ExitCode {
    OK(0), INFRASTRUCTURE(1), BAD_CONFIG(2), BAD_DATA(3), DIVERGED(4);

    public final int code;

    ExitCode(int code) {
        this.code = code;
    }
}
