package org.sparkebm.core.train;

import java.io.Serializable;
import java.util.Collection;
import org.sparkebm.core.util.LogSpace;

/**
 * The devices' Jarzynski weight statistics combined (Carbone et al., "Efficient Training of Energy-Based Models
 * Using Jarzynski Equality", 2023): L = log Σ_p exp(L_p) with L_p = log Σ_{i∈p} exp(A_i), and the coefficients of
 * the global gradient Σ_p (n_p/n)·data_p − Σ_p exp(L_p − L)·model_p. Computed in double precision in partition
 * order; every place that combines (the driver, each reduce-scatter slice) computes it from the same statistics
 * and so gets the same coefficients.
 *
 * @param logSum        L
 * @param logSumSq      log Σ_i exp(2A_i) over all walkers
 * @param walkers       N
 * @param dataRows      n, the positives used
 * @param dataEnergySum Σ_j U(x_j) over them
 */
public record JarzynskiWeights(double logSum, double logSumSq, long walkers, long dataRows, double dataEnergySum)
        implements Serializable {

    /** Combines the devices' statistics, given in partition order. */
    public static JarzynskiWeights of(Collection<WeightStats> inPartitionOrder) {
        if (inPartitionOrder.isEmpty()) {
            throw new IllegalStateException("no Jarzynski device results this round");
        }
        double[] ls = new double[inPartitionOrder.size()];
        double[] ls2 = new double[ls.length];
        long walkers = 0;
        long rows = 0;
        double dataE = 0;
        int k = 0;
        for (WeightStats w : inPartitionOrder) {
            ls[k] = w.logSum();
            ls2[k] = w.logSumSq();
            walkers += w.walkers();
            rows += w.dataRows();
            dataE += w.dataEnergySum();
            k++;
        }
        return new JarzynskiWeights(LogSpace.logSumExp(ls), LogSpace.logSumExp(ls2), walkers, rows, dataE);
    }

    /** n_p / n: the weight of device p's data part. */
    public double dataCoefficient(WeightStats p) {
        return (double) p.dataRows() / dataRows;
    }

    /** −exp(L_p − L): the weight of device p's model part. */
    public double modelCoefficient(WeightStats p) {
        return -Math.exp(p.logSum() - logSum);
    }
}
