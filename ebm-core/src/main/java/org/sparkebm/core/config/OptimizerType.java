package org.sparkebm.core.config;

import java.util.Locale;

/** optimizer.type: the driver-side optimiser. */
public enum OptimizerType {
    SGD, ADAM;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
