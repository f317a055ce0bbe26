/**
 * The command line: {@link org.sparkebm.spark.cli.Main} dispatches {@code train}, {@code score}, {@code sample},
 * {@code ood}, {@code make-tabular}, {@code fit-base} and {@code fit-projection}; every command checks its arguments
 * before any work and maps failures to the README's exit codes in one place ({@link org.sparkebm.spark.cli.ExitCode#of}).
 * May depend on every other package of the module; nothing depends on it.
 */
package org.sparkebm.spark.cli;
