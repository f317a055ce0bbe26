package org.sparkebm.spark.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** The column params the estimator and its model share (same names, so {@code copyValues} carries them over). */
final class EbmParams {
    private EbmParams() {}

    static Param<String> featuresCol(Params owner) {
        return new Param<>(owner, "featuresCol", "features column: a vector or an array of numbers");
    }

    static Param<String> energyCol(Params owner) {
        return new Param<>(owner, "energyCol", "output column of the energy E(x) (lower = more typical)");
    }

    static Param<String> scoreCol(Params owner) {
        return new Param<>(owner, "scoreCol", "output column of the normalised score, the fraction of the training"
                + " rows' energies below E(x) in [0, 1] (empty: none)");
    }

    static Param<String> predictionCol(Params owner) {
        return new Param<>(owner, "predictionCol", "jem / mjem models: output column of the predicted class (empty: none)");
    }

    static Param<String> probabilityCol(Params owner) {
        return new Param<>(owner, "probabilityCol", "jem / mjem models: output column of p(y|x) as a vector (empty: none)");
    }

    static void setColumnDefaults(Params owner, Param<String> features, Param<String> energy, Param<String> score) {
        owner.setDefault(features, "features");
        owner.setDefault(energy, "energy");
        owner.setDefault(score, "");
    }

    static void setClassifierDefaults(Params owner, Param<String> prediction, Param<String> probability) {
        owner.setDefault(prediction, "prediction");
        owner.setDefault(probability, "probability");
    }
}
