package org.sparkebm.core.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.util.Seeds;

/** The energy model family and architecture. */
public record ModelSpec(ModelType type, int[] hidden, Activation activation, List<ConvEnergy.ConvLayer> convLayers,
                        int gmmComponents, int[] frozenLogWeights, double logWeightLrScale, double baseStd,
                        String basePath, boolean zeroOutput, int classes) implements Serializable {

    /** A classifier-energy hybrid (jem, mjem). */
    public boolean hybrid() {
        return type == ModelType.JEM || type == ModelType.MJEM;
    }

    /** A model with zero θ for samples of the given shape. */
    public EnergyModel create(int[] sampleShape, DataType type) {
        return switch (this.type) {
            case GMM -> {
                int d = flat(sampleShape);
                boolean[] frozen = new boolean[gmmComponents * d + gmmComponents];
                for (int k : frozenLogWeights) {
                    frozen[gmmComponents * d + k] = true;
                }
                yield new GaussianMixtureEnergy(gmmComponents, d, frozen, type);
            }
            case MLP -> withBase(new MlpEnergy(sampleShape, hidden, activation, type));
            case CONV -> withBase(new ConvEnergy(sampleShape, convLayers, type));
            case JEM, MJEM -> new HybridEnergy(this.type == ModelType.JEM ? HybridEnergy.Kind.JEM
                    : HybridEnergy.Kind.MJEM, classes, sampleShape, hidden, activation, type);
        };
    }

    private EnergyModel withBase(EnergyModel m) {
        if (basePath != null) {
            return new GaussianBaseEnergy(m, FittedGaussian.read(basePath));
        }
        return baseStd > 0 ? new GaussianBaseEnergy(m, baseStd) : m;
    }

    /** Whether exact draws from the initial model are possible (chains.init = model). */
    public boolean initialModelSampleable() {
        return type == ModelType.GMM || ((baseStd > 0 || basePath != null) && zeroOutput);
    }

    /** The model with its seeded initial θ_0. */
    public EnergyModel initial(int[] sampleShape, long runSeed, DataType type) {
        EnergyModel m = create(sampleShape, type);
        SplittableRandom rng = Seeds.random(runSeed, Seeds.Purpose.MODEL_INIT, 0, 0, 0);
        EnergyModel f = m instanceof GaussianBaseEnergy b ? b.inner() : m;
        if (f instanceof HybridEnergy h) {
            h.initialise(rng);
        } else if (f instanceof MlpEnergy mlp) {
            mlp.initialise(rng);
            if (zeroOutput) {
                mlp.zeroOutputLayer();
            }
        } else if (f instanceof ConvEnergy conv) {
            conv.initialise(rng);
            if (zeroOutput) {
                conv.zeroOutputLayer();
            }
        } else if (m instanceof GaussianMixtureEnergy g) {
            // W1: means ~ 0.01 N(0, I), first coordinates spread over [-0.1, 0.1], z = 0 (equal weights)
            int d = flat(sampleShape);
            double[] theta = new double[(int) g.numParams()];
            for (int k = 0; k < gmmComponents; k++) {
                for (int j = 0; j < d; j++) {
                    theta[g.meanIndex(k, j)] = 0.01 * rng.nextGaussian();
                }
                theta[g.meanIndex(k, 0)] = gmmComponents == 1 ? 0 : -0.1 + 0.2 * k / (gmmComponents - 1);
            }
            g.setParams(Nd4j.createFromArray(theta).castTo(type));
        }
        return m;
    }

    /** Per-parameter learning-rate multipliers, or null when all are 1. */
    public float[] lrScale(EnergyModel m) {
        if (!(m instanceof GaussianMixtureEnergy g) || logWeightLrScale == 1.0) {
            return null;
        }
        float[] s = new float[(int) g.numParams()];
        Arrays.fill(s, 1f);
        for (int k = 0; k < gmmComponents; k++) {
            s[g.logWeightIndex(k)] = (float) logWeightLrScale;
        }
        return s;
    }

    private static int flat(int[] shape) {
        int d = 1;
        for (int s : shape) {
            d *= s;
        }
        return d;
    }
}
