/** In-memory data: a device's rows ({@code Shard}), IDX and synthetic sources, scaling and PCA projection. */
package org.sparkebm.core.data;
