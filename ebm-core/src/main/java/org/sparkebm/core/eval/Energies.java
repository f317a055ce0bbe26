package org.sparkebm.core.eval;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.model.EnergyModel;
import org.sparkebm.core.model.HybridEnergy;
import org.sparkebm.core.util.NdArrays;

/** Energies of many rows, their quantiles, and the normalised score read off them. */
public final class Energies {
    private Energies() {}

    /** What is done with one batch: rows {@code [start, start + n)} as an {@code [n, d]} array {@code x} (read). */
    private interface Batch {
        void apply(INDArray x, int start, int n);
    }

    /**
     * Runs {@code body} over {@code rows} rows of {@code values} in batches of {@code batch} rows, each copied once
     * into a new array of the model's type and closed after use (bounded memory for any row count).
     */
    private static void batches(EnergyModel model, float[] values, int rows, int batch, Batch body) {
        int d = model.inputDim();
        for (int start = 0; start < rows; start += batch) {
            int n = Math.min(batch, rows - start);
            INDArray x = NdArrays.of(Arrays.copyOfRange(values, start * d, (start + n) * d), n, d);
            if (x.dataType() != model.dataType()) {
                x = x.castTo(model.dataType());
            }
            body.apply(x, start, n);
            x.close();
        }
    }

    /**
     * E(x) for each of {@code rows} rows, in batches of {@code batch}. The model's scratch buffers stay allocated
     * for the next call; {@link EnergyModel#release()} frees them.
     *
     * @param values read: row-major model inputs, {@code rows · model.inputDim()} floats
     */
    public static double[] of(EnergyModel model, float[] values, int rows, int batch) {
        double[] out = new double[rows];
        batches(model, values, rows, batch, (x, start, n) ->
                System.arraycopy(model.energy(x).castTo(DataType.DOUBLE).toDoubleVector(), 0, out, start, n));
        return out;
    }

    /**
     * ‖∇x E(x)‖₂ per row (JEM's input-gradient score), in batches.
     *
     * @param values read: row-major model inputs
     */
    public static double[] inputGradientNorms(EnergyModel model, float[] values, int rows, int batch) {
        double[] out = new double[rows];
        batches(model, values, rows, batch, (x, start, n) -> {
            INDArray g = Nd4j.zeros(model.dataType(), n, model.inputDim());
            model.energyAndInputGradient(x, g);
            System.arraycopy(g.norm2(1).castTo(DataType.DOUBLE).toDoubleVector(), 0, out, start, n);
        });
        return out;
    }

    /**
     * A hybrid model's energies, predicted classes and max_y p(y|x) per row, one forward pass per batch.
     *
     * @return {energy, argmax, max probability} arrays of length {@code rows}
     */
    public static double[][] hybridScores(HybridEnergy model, float[] values, int rows, int batch) {
        double[][] out = new double[3][rows];
        batches(model, values, rows, batch, (x, start, n) -> {
            INDArray[] ep = model.energyAndProbabilities(x);
            double[] e = ep[0].castTo(DataType.DOUBLE).toDoubleVector();
            double[][] p = ep[1].castTo(DataType.DOUBLE).toDoubleMatrix();
            for (int i = 0; i < n; i++) {
                int arg = HybridEnergy.argMax(p[i]);
                out[0][start + i] = e[i];
                out[1][start + i] = arg;
                out[2][start + i] = p[i][arg];
            }
        });
        return out;
    }

    /** {@code n} quantiles (n ≥ 2) of the values at 0, 1/(n−1), …, 1 with linear interpolation. */
    public static double[] quantiles(double[] values, int n) {
        if (values.length == 0) {
            return new double[0];
        }
        double[] v = values.clone();
        Arrays.sort(v);
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            double pos = (v.length - 1) * (double) i / (n - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(lo + 1, v.length - 1);
            q[i] = v[lo] + (pos - lo) * (v[hi] - v[lo]);
        }
        return q;
    }

    /**
     * The fraction of the training energies below {@code e}, read off their quantiles by linear interpolation:
     * 0 below the lowest, 1 above the highest. A normalised anomaly score in [0, 1] that is comparable between
     * models. NaN when no quantiles were kept.
     */
    public static double percentile(double[] quantiles, double e) {
        int n = quantiles.length;
        if (n < 2 || Double.isNaN(e)) {
            return Double.NaN;
        }
        if (e <= quantiles[0]) {
            return 0;
        }
        if (e >= quantiles[n - 1]) {
            return 1;
        }
        int i = Arrays.binarySearch(quantiles, e);
        if (i >= 0) {
            // equal quantiles (ties): the highest index with this value
            while (i + 1 < n && quantiles[i + 1] == e) {
                i++;
            }
            return (double) i / (n - 1);
        }
        int hi = -i - 1;
        int lo = hi - 1;
        double f = (e - quantiles[lo]) / (quantiles[hi] - quantiles[lo]);
        return (lo + f) / (n - 1);
    }
}
