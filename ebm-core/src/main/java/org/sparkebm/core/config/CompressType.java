package org.sparkebm.core.config;

import java.util.Locale;

/** compress.type and sampler.compress: no compression, Top-k or Block-Sign. */
public enum CompressType {
    NONE, TOPK, BLOCKSIGN;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
