/** Langevin sampling: the sampler, chain initialisers, the replay buffer and per-chain noise streams. */
package org.sparkebm.core.sampling;
