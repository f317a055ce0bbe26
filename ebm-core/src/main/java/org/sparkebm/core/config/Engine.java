package org.sparkebm.core.config;

import java.util.Locale;

/** run.engine: devices as Spark partitions, or folded in this JVM. */
public enum Engine {
    SPARK, LOCAL;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
