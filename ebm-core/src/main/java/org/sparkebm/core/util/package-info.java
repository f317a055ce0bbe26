/** Small helpers: seeds derived from (seed, purpose, round, partition, chain), and ND4J array copies. */
package org.sparkebm.core.util;
