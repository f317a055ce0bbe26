package org.sparkebm.core.privacy;

import java.util.Locale;

/** privacy.noiseAt: where the Gaussian noise is added. */
public enum NoiseAt {
    DEVICE, DRIVER;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
