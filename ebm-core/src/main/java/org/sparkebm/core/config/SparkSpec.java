package org.sparkebm.core.config;

import java.io.Serializable;

/**
 * The Spark engine's settings (ignored by the local engine).
 *
 * @param master             spark.master, or null where spark-submit sets it
 * @param rddCheckpointEvery rounds between reliable checkpoints of the device-state RDD
 * @param treeDepth          depth of the {@code collect} aggregation's treeAggregate
 * @param aggregation        how device messages are combined
 * @param reduceSlices       slices of the reduce-scatter (0: chosen from the cluster and the message size)
 */
public record SparkSpec(String master, int rddCheckpointEvery, int treeDepth, AggregationType aggregation,
                        int reduceSlices) implements Serializable {}
