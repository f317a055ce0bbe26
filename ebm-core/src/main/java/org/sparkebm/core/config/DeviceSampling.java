package org.sparkebm.core.config;

import java.util.Locale;

/** devices.sampling: a fixed number of devices per round, or each independently (Poisson). */
public enum DeviceSampling {
    FIXED, POISSON;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
