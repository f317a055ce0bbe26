/**
 * Report generators of the {@code bench/} scripts (W1, W4, scaling, privacy trade-off) and the readout classifier W4
 * uses. Not part of the application jar; depends on the Spark module and the core.
 */
package org.sparkebm.experiments;
