package org.sparkebm.core.model;

import java.util.Locale;

/** Activations of the MLP and conv energies. SiLU (x·sigmoid(x), "swish") is the default, as in the peer. */
public enum Activation {
    SILU, RELU, TANH;

    /** Parses a config value. */
    public static Activation parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown activation '" + s + "' (silu, relu, tanh)");
        }
    }

    /** The DL4J activation. */
    public org.nd4j.linalg.activations.Activation dl4j() {
        return switch (this) {
            case SILU -> org.nd4j.linalg.activations.Activation.SWISH;
            case RELU -> org.nd4j.linalg.activations.Activation.RELU;
            case TANH -> org.nd4j.linalg.activations.Activation.TANH;
        };
    }
}
