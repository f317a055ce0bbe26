package org.sparkebm.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** JEM and M-JEM heads: energies against their definitions, every gradient against finite differences. */
class HybridEnergyTest {
    static HybridEnergy model(HybridEnergy.Kind kind) {
        return new HybridEnergy(kind, 4, new int[] {5}, new int[] {8, 6}, Activation.SILU, DataType.DOUBLE)
                .initialise(new SplittableRandom(21));
    }

    @Test
    void jemEnergyIsMinusLogSumExpOfTheLogitsAndTheConditionalIsMinusTheLogit() {
        HybridEnergy m = model(HybridEnergy.Kind.JEM);
        INDArray x = GradientCheck.randomInput(6, 5, 1.0, 1);
        INDArray f = m.logits(x);
        INDArray e = m.energy(x);
        for (int i = 0; i < 6; i++) {
            double s = 0;
            for (int y = 0; y < 4; y++) {
                s += Math.exp(f.getDouble(i, y));
            }
            assertEquals(-Math.log(s), e.getDouble(i), 1e-12);
            // E(x) − log p(y|x) = −f(x)[y]
            assertEquals(-f.getDouble(i, 2), m.conditional(2).energy(x).getDouble(i), 1e-12);
        }
        INDArray[] ep = m.energyAndProbabilities(x);
        INDArray p = ep[1];
        assertEquals(6.0, p.sumNumber().doubleValue(), 1e-12);
        assertEquals(0, ep[0].sub(e).amaxNumber().doubleValue(), 0.0, "one forward gives the same energies");
    }

    @Test
    void jemAndMjemEnergyGradientsMatchFiniteDifferences() {
        for (HybridEnergy.Kind k : HybridEnergy.Kind.values()) {
            HybridEnergy m = model(k);
            INDArray x = GradientCheck.randomInput(4, 5, 1.0, 2);
            GradientCheck.checkInputGradient(m, x, 1000, 3);
            GradientCheck.checkParamGradient(m, x, 1000, 4);
            GradientCheck.checkInputGradient(m.conditional(1), x, 1000, 5);
        }
    }

    /** Mean cross-entropy of the labelled rows + Σ c_j E(x_j): the objective whose θ-gradient hybridGradient gives. */
    private static double objective(HybridEnergy m, INDArray xc, int[] labels, double w, INDArray xg, INDArray c) {
        INDArray p = m.energyAndProbabilities(xc)[1];
        double ce = 0;
        for (int i = 0; i < labels.length; i++) {
            ce -= Math.log(p.getDouble(i, labels[i]));
        }
        return w * ce / labels.length + m.energy(xg).mul(c).sumNumber().doubleValue();
    }

    @Test
    void hybridGradientIsTheGradientOfCrossEntropyPlusTheContrastiveTerm() {
        for (HybridEnergy.Kind k : HybridEnergy.Kind.values()) {
            HybridEnergy m = model(k);
            INDArray xc = GradientCheck.randomInput(5, 5, 1.0, 6);
            int[] labels = {0, 3, 1, 1, 2};
            INDArray xg = GradientCheck.randomInput(4, 5, 1.0, 7);
            INDArray c = Nd4j.createFromArray(0.25, -0.25, 0.5, -0.5);
            HybridEnergy.HybridGradient g = m.hybridGradient(xc, labels, 0.7, xg, e -> c.dup());
            INDArray theta = m.params();
            SplittableRandom rng = new SplittableRandom(8);
            for (int s = 0; s < 300; s++) {
                long i = rng.nextLong(theta.length());
                double orig = theta.getDouble(i);
                theta.putScalar(i, orig + GradientCheck.EPS);
                m.setParams(theta);
                double up = objective(m, xc, labels, 0.7, xg, c);
                theta.putScalar(i, orig - GradientCheck.EPS);
                m.setParams(theta);
                double down = objective(m, xc, labels, 0.7, xg, c);
                theta.putScalar(i, orig);
                m.setParams(theta);
                GradientCheck.assertClose(g.gradient().getDouble(i), (up - down) / (2 * GradientCheck.EPS),
                        k + " d(objective)/dθ[" + i + "]");
            }
            // the classification-only step (a plain classifier) is the same objective without the energy term
            HybridEnergy.HybridGradient clf = m.hybridGradient(xc, labels, 1.0, null, null);
            double ce = objective(m, xc, labels, 1.0, xg, Nd4j.zeros(DataType.DOUBLE, 4));
            assertEquals(ce, clf.crossEntropy(), 1e-12);
        }
    }
}
