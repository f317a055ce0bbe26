/**
 * Files on any Hadoop path ({@code file://}, {@code hdfs://}, local), written atomically. Depends on the core only.
 */
package org.sparkebm.spark.io;
