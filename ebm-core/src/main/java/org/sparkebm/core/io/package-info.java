/** Model files and fitted files (Gaussian base, projection) on any Hadoop path. */
package org.sparkebm.core.io;
