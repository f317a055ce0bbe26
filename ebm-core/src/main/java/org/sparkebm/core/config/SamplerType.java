package org.sparkebm.core.config;

import java.util.Locale;

/** sampler.type: unadjusted Langevin, or SGLD with its own noise scale. */
public enum SamplerType {
    ULA, SGLD;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
