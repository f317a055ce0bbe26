/**
 * A training run: the run directory policy, the one training loop ({@link org.sparkebm.spark.run.RunLoop}: rollback,
 * privacy budget, checkpoints, progress) over any {@link org.sparkebm.core.train.Trainer}, checkpoints on Hadoop paths
 * and the files a run writes. Depends on {@code engine}, {@code data}, {@code plot}, {@code io} and the core.
 */
package org.sparkebm.spark.run;
