package org.sparkebm.core.config;

import java.util.Locale;

/**
 * spark.aggregation: how the Spark engine combines the devices' messages. {@code collect}: every message goes to the
 * driver, which sums them (one stage; the driver receives and decodes P messages). {@code reduce-scatter}: each
 * message is cut into slices of coordinates, one task per slice sums its pieces in partition order, the driver
 * receives d floats (two stages; driver work independent of P). {@code auto} takes reduce-scatter once the driver
 * would otherwise receive more than a few dense vectors' worth.
 */
public enum AggregationType {
    AUTO, COLLECT, REDUCE_SCATTER;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
