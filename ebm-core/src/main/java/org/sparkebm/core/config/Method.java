package org.sparkebm.core.config;

import java.util.Locale;

/** train.method: persistent chains, chains restarted every train.resetEvery rounds, or Jarzynski-weighted walkers. */
public enum Method {
    PCD, CD, JARZYNSKI;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
