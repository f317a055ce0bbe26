package org.sparkebm.core.data;

import java.util.Locale;

/**
 * data.source: generated from the seed (gmm, two-modes, eight-gaussians, rings), IDX files, tables read by Spark,
 * a folder of PNG/JPEG images read by Spark's image source, or the estimator's DataFrame.
 */
public enum DataSource {
    GMM, TWO_MODES, EIGHT_GAUSSIANS, RINGS, IDX, CSV, PARQUET, IMAGES, FRAME;

    /** Its name in a config file. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
