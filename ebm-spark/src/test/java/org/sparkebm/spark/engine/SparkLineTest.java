package org.sparkebm.spark.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparkebm.spark.engine.SparkLine.Versions;

/** The build knows its Spark line, runs on it, and names the right jar when started on the other one. */
class SparkLineTest {
    @Test
    void theBuildRunsOnTheSparkItWasBuiltFor() {
        Versions built = SparkLine.built();
        Versions running = SparkLine.running();
        assertEquals(running.line(), built.line(), built + " vs " + running);
        assertEquals(running.scala(), built.scala());
        assertTrue(built.scala().equals(System.getProperty("scala.binary", built.scala())));
        assertDoesNotThrow(SparkLine::check);
    }

    @Test
    void patchReleasesOfOneLineMatch() {
        assertNull(SparkLine.mismatch(new Versions("3.5.9", "2.12"), new Versions("3.5.1", "2.12")));
        assertNull(SparkLine.mismatch(new Versions("4.2.0", "2.13"), new Versions("4.0.1", "2.13")));
    }

    @Test
    void theOtherLineIsRefusedWithTheJarToUse() {
        String m = SparkLine.mismatch(new Versions("3.5.9", "2.12"), new Versions("4.2.0", "2.13"));
        assertTrue(m.contains("Spark 4.2.0 on Scala 2.13") && m.contains("sparkebm-spark_2.13-<version>-app.jar")
                && m.contains("-Pdist,spark-4"), m);
        m = SparkLine.mismatch(new Versions("4.2.0", "2.13"), new Versions("3.5.6", "2.12"));
        assertTrue(m.contains("sparkebm-spark_2.12-<version>-app.jar") && m.contains("-Pdist,spark-3.5"), m);
        // Spark 3.5 also ships on Scala 2.13, and 3.4 exists: neither is a line of this project
        m = SparkLine.mismatch(new Versions("3.5.9", "2.12"), new Versions("3.5.9", "2.13"));
        assertTrue(m.contains("built for Spark 3.5 on Scala 2.12 and Spark 4 on Scala 2.13 only"), m);
        m = SparkLine.mismatch(new Versions("3.5.9", "2.12"), new Versions("3.4.4", "2.12"));
        assertTrue(m.contains("Spark 3.4.4 on Scala 2.12"), m);
    }

    @Test
    void versionsThatCannotBeReadDoNotBlockARun() {
        // an unfiltered build resource (classes compiled outside Maven), a Spark or Scala without its version file
        assertNull(SparkLine.mismatch(new Versions("${spark.version}", "${scala.binary}"), new Versions("4.2.0", "2.13")));
        assertNull(SparkLine.mismatch(new Versions(null, null), new Versions("4.2.0", "2.13")));
        assertNull(SparkLine.mismatch(new Versions("3.5.9", "2.12"), new Versions("?", "?")));
    }
}
