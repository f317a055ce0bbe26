/** In-memory data: a device's rows ({@code Dataset}), IDX and synthetic sources, scaling and PCA projection. */
package org.sparkebm.core.data;
