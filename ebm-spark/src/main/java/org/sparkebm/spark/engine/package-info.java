/**
 * The Spark engine: {@link org.sparkebm.spark.engine.SparkTrainer} runs a round as one distributed step (θ broadcast,
 * a device step per partition, {@code treeAggregate}), plus the sessions, Kryo registration and the listener that
 * counts the bytes Spark moves. Depends on {@code data}, {@code io} and the core.
 */
package org.sparkebm.spark.engine;
