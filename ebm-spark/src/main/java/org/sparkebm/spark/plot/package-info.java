/**
 * The pictures a run and the commands write: training curves, image grids, 2-D densities, histograms (PNG through
 * XChart). Depends on the core only.
 */
package org.sparkebm.spark.plot;
