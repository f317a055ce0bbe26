package org.sparkebm.core.config;

import java.util.Locale;

/** train.augment: augmentation of the classification batch of hybrid models. */
public enum Augment {
    NONE, FLIP_SHIFT;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
