package org.sparkebm.core.eval;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.model.EnergyModel;

/** Energies of many rows, their quantiles, and the normalised score read off them. */
public final class Energies {
    private Energies() {}

    /**
     * E(x) for each of {@code rows} rows, in batches of {@code batch} (bounded memory for any row count). The
     * model's scratch buffers stay allocated for the next call; {@link EnergyModel#release()} frees them.
     *
     * @param values read: row-major model inputs, {@code rows · model.inputDim()} floats
     */
    public static double[] of(EnergyModel model, float[] values, int rows, int batch) {
        int d = model.inputDim();
        double[] out = new double[rows];
        for (int start = 0; start < rows; start += batch) {
            int n = Math.min(batch, rows - start);
            INDArray x = rows(values, start, n, d, model.dataType());
            double[] e = model.energy(x).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
            System.arraycopy(e, 0, out, start, n);
            x.close();
        }
        return out;
    }

    /**
     * ‖∇x E(x)‖₂ per row (JEM's input-gradient score), in batches.
     *
     * @param values read: row-major model inputs
     */
    public static double[] inputGradientNorms(EnergyModel model, float[] values, int rows, int batch) {
        int d = model.inputDim();
        double[] out = new double[rows];
        for (int start = 0; start < rows; start += batch) {
            int n = Math.min(batch, rows - start);
            INDArray x = rows(values, start, n, d, model.dataType());
            INDArray g = Nd4j.zeros(model.dataType(), n, d);
            model.energyAndInputGradient(x, g);
            double[] norms = g.norm2(1).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
            System.arraycopy(norms, 0, out, start, n);
        }
        return out;
    }

    /**
     * A hybrid model's energies, predicted classes and max_y p(y|x) per row, one forward pass per batch.
     *
     * @return {energy, argmax, max probability} arrays of length {@code rows}
     */
    public static double[][] hybridScores(org.sparkebm.core.model.HybridEnergy model, float[] values, int rows,
                                          int batch) {
        int d = model.inputDim();
        double[][] out = new double[3][rows];
        for (int start = 0; start < rows; start += batch) {
            int n = Math.min(batch, rows - start);
            INDArray[] ep = model.energyAndProbabilities(rows(values, start, n, d, model.dataType()));
            double[] e = ep[0].castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
            double[][] p = ep[1].castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
            for (int i = 0; i < n; i++) {
                int arg = org.sparkebm.core.model.HybridEnergy.argMax(p[i]);
                out[0][start + i] = e[i];
                out[1][start + i] = arg;
                out[2][start + i] = p[i][arg];
            }
        }
        return out;
    }

    /** Rows {@code [start, start + n)} of {@code values} as a new {@code [n, d]} array of {@code type}. */
    private static INDArray rows(float[] values, int start, int n, int d, org.nd4j.linalg.api.buffer.DataType type) {
        return Nd4j.createFromArray(Arrays.copyOfRange(values, start * d, (start + n) * d)).reshape(n, d).castTo(type);
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
