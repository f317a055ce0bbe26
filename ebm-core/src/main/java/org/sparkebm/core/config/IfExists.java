package org.sparkebm.core.config;

import java.util.Locale;

/** run.ifExists: what an existing run directory means. */
public enum IfExists {
    FAIL, NEW, RESUME;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
