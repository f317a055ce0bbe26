package org.sparkebm.spark.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.sparkebm.core.config.ConfigException;

/**
 * The Spark line a build of this module is for (Spark 3.5 on Scala 2.12, or Spark 4 on Scala 2.13; Maven profiles
 * {@code spark-3.5} and {@code spark-4}), and the check that the Spark it runs on is of that line. An application
 * jar submitted to a cluster of the other line would otherwise fail later with a linkage error deep in Spark or
 * Scala; this names the jar to use instead, before any work.
 *
 * <p>Both versions are read from resources, not from Scala code: {@code sparkebm-build.properties} (written by the
 * build) and the {@code spark-version-info.properties} that Spark's own {@code SPARK_VERSION} is read from, and
 * Scala's {@code library.properties}.
 */
public final class SparkLine {
    private SparkLine() {}

    /** Versions: Spark's {@code x.y.z} and Scala's binary version {@code 2.12} / {@code 2.13}. */
    public record Versions(String spark, String scala) {
        /** The line: {@code 3.5} or {@code 4} (Spark's major version from 4 on). */
        String line() {
            String[] p = spark.split("\\.");
            return p[0].equals("3") && p.length > 1 ? "3." + p[1] : p[0];
        }
    }

    /** The versions this module was built against. */
    public static Versions built() {
        Properties p = resource("sparkebm-build.properties");
        return new Versions(p.getProperty("spark.version"), p.getProperty("scala.binary"));
    }

    /** The versions on the classpath now (the cluster's Spark under spark-submit). */
    public static Versions running() {
        String scala = resource("library.properties").getProperty("version.number", "?");
        String[] s = scala.split("\\.");
        return new Versions(resource("spark-version-info.properties").getProperty("version", "?"),
                s.length > 1 ? s[0] + "." + s[1] : scala);
    }

    /** Refuses to start on a Spark of another line than the build's. */
    public static void check() {
        String problem = mismatch(built(), running());
        if (problem != null) {
            throw new ConfigException(problem);
        }
    }

    /**
     * Why a jar built against {@code built} cannot run on {@code running}, or null when it can, or when either is
     * unknown (classes run without the build's resource, a Spark without its version file): nothing to compare.
     */
    static String mismatch(Versions built, Versions running) {
        if (unknown(built) || unknown(running)
                || built.line().equals(running.line()) && built.scala().equals(running.scala())) {
            return null;
        }
        String profile = running.line().equals("3.5") ? "spark-3.5" : "spark-4";
        boolean buildable = (running.line().equals("3.5") && running.scala().equals("2.12"))
                || (running.line().equals("4") && running.scala().equals("2.13"));
        return "this SparkEBM build is for Spark " + built.line() + " on Scala " + built.scala() + ", but Spark "
                + running.spark() + " on Scala " + running.scala() + " is running it: "
                + (buildable ? "submit sparkebm-spark_" + running.scala() + "-<version>-app.jar (mvn -Pdist,"
                        + profile + " package)"
                        : "SparkEBM is built for Spark 3.5 on Scala 2.12 and Spark 4 on Scala 2.13 only");
    }

    private static boolean unknown(Versions v) {
        return v.spark() == null || v.scala() == null || !v.spark().matches("\\d+\\.\\d+.*")
                || !v.scala().matches("2\\.\\d+");
    }

    private static Properties resource(String name) {
        Properties p = new Properties();
        try (InputStream in = SparkLine.class.getClassLoader().getResourceAsStream(name)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(name, e);
        }
        return p;
    }
}
