/** The binary form of checkpoints: the driver's part (θ, optimiser, history) and framed, checksummed parts. */
package org.sparkebm.core.checkpoint;
