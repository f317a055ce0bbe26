/**
 * Energy functions E_θ(x) with their gradients in θ and in x: MLP, conv (oneDNN or libnd4j kernels), Gaussian mixture,
 * Gaussian base, and the hybrid classifier with an energy head.
 */
package org.sparkebm.core.model;
