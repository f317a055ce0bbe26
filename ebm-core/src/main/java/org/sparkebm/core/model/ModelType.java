package org.sparkebm.core.model;

import java.util.Locale;

/** model.type: the energy model family. */
public enum ModelType {
    GMM, MLP, CONV, JEM, MJEM;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
