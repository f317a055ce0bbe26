/**
 * Training data on Spark: device shards of synthetic and IDX data loaded on the executors, tables (CSV, Parquet,
 * DataFrames) read by Spark's readers into per-device shards, feature columns, and the partitioner that routes
 * records to a device. Depends on {@code io} and the core.
 */
package org.sparkebm.spark.data;
