package org.sparkebm.core.sampling;

import java.util.Locale;

/** chains.init: where chains (re)start. */
public enum ChainInit {
    UNIFORM, DATA, GAUSSIAN, MODEL;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
