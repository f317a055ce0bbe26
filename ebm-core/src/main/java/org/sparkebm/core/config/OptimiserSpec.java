package org.sparkebm.core.config;

import java.io.Serializable;

/** The driver-side optimiser. */
public record OptimiserSpec(OptimizerType type, double lr, double beta1, double beta2) implements Serializable {}
