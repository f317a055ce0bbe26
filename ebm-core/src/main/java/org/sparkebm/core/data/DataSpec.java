package org.sparkebm.core.data;

import java.io.Serializable;
import java.util.List;
import java.util.SplittableRandom;
import org.sparkebm.core.util.Seeds;

/**
 * Where data comes from.
 *
 * @param shape the (C, H, W) of image data (Parquet images, {@code images} folders), or null
 */
public record DataSpec(DataSource source, int rows, int dim, double p1, double[][] means, double[] weights, double std,
                       String path, String labels, int[] classes, int[] classCounts, int limit, boolean csvHeader,
                       List<String> columns, boolean standardize, String labelColumn, String projection, int[] shape)
        implements Serializable {
    /** Whether the data is generated from the seed (no files). */
    public boolean synthetic() {
        return source != DataSource.IDX && !tabular();
    }

    /**
     * Whether the data is rows read through Spark's data sources (csv, parquet, an images folder, or a given
     * DataFrame) and dealt to the devices by Spark.
     */
    public boolean tabular() {
        return source == DataSource.CSV || source == DataSource.PARQUET || source == DataSource.IMAGES
                || source == DataSource.FRAME;
    }

    /** Whether the rows are images of {@link #shape()} (an images folder, or Parquet with data.shape). */
    public boolean images() {
        return shape != null;
    }

    /** Sample shape of synthetic data; {@code null} for files (known once the header is read). */
    public int[] syntheticShape() {
        return switch (source) {
            case TWO_MODES -> new int[] {dim};
            case GMM -> new int[] {means[0].length};
            case EIGHT_GAUSSIANS, RINGS -> new int[] {2};
            default -> null;
        };
    }

    /** The whole synthetic data set, generated from the run seed (identical on every executor). */
    public Shard generate(long runSeed) {
        SplittableRandom rng = Seeds.random(runSeed, Seeds.Purpose.DATA, 0, 0, 0);
        return switch (source) {
            case TWO_MODES -> Synthetic.twoModes(rows, dim, p1, rng);
            case GMM -> Synthetic.gaussianMixture(rows, means, weights, std, rng);
            case EIGHT_GAUSSIANS -> Synthetic.eightGaussians(rows, 2.0, rng);
            case RINGS -> Synthetic.rings(rows, std, rng);
            default -> throw new IllegalStateException("not a synthetic source: " + source);
        };
    }
}
