package org.sparkebm.core.config;

import java.util.Locale;

/** jarzynski.resampling: each device resamples its own walkers, or offspring are drawn from all walkers together. */
public enum Resampling {
    ISLAND, GLOBAL;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
