/**
 * Spark ML: {@link org.sparkebm.spark.ml.EbmEstimator} trains with the job's engine and loop on a DataFrame and
 * returns an {@link org.sparkebm.spark.ml.EbmModel} that scores rows (energy, score, and class columns for hybrids).
 * Depends on {@code run}, {@code engine}, {@code data}, {@code io} and the core.
 */
package org.sparkebm.spark.ml;
