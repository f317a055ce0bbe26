/**
 * Update compressors C (identity, Top-k, Block-Sign) and their wire formats; each states its exact encoded size.
 * Used for the devices' updates and for the compressed Langevin gradient.
 */
package org.sparkebm.core.compress;
