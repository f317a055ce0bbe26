package org.sparkebm.core.train;

import java.util.List;

/**
 * What {@link ParameterServer#finish} needs of a round's device results, however they were combined: the devices'
 * small statistics and the combined vectors. Two forms exist: {@link DeltaAggregator} keeps every device's message
 * and combines on request; {@link ReduceScatter.Reduced} holds vectors combined slice by slice on the executors.
 * Both sum every coordinate over the devices in partition order with the same arithmetic ({@link SliceSum}), so
 * they give the same floats.
 */
public interface RoundAggregate {

    /** Partitions that reported, ascending. */
    List<Integer> deviceIds();

    /** Per-device metrics in partition order. */
    List<DeviceMetrics> metrics();

    /** Total encoded bytes of the devices' messages (Δ^p, and the model parts under Jarzynski). */
    default long encodedBytes() {
        long s = 0;
        for (DeviceMetrics m : metrics()) {
            s += m.encodedBytes();
        }
        return s;
    }

    /**
     * Σ_p Δ^p in fp32, in partition order (under Jarzynski: of the data parts); zeros when no device reported. A new
     * array of length {@code dim}.
     */
    float[] sum(int dim);

    /** (1/|D^t|) Σ_p Δ^p. */
    default float[] mean(int dim) {
        if (deviceIds().isEmpty()) {
            throw new IllegalStateException("no device reported this round: nothing to average");
        }
        float[] acc = sum(dim);
        float inv = 1f / deviceIds().size();
        for (int i = 0; i < dim; i++) {
            acc[i] *= inv;
        }
        return acc;
    }

    /**
     * The Jarzynski gradient and weight statistics ({@link JarzynskiWeights}).
     *
     * @param dataPart null: the data part is Σ_p (n_p/n)·data_p; otherwise (privacy) the driver's noised data part,
     *                 read, to which Σ_p −w_p·model_p is added
     */
    JarzynskiAggregate jarzynski(int dim, float[] dataPart);

    /**
     * @param gradient       the global weighted gradient
     * @param logSum         log Σ_i exp(A_i) over all walkers
     * @param logSumSq       log Σ_i exp(2A_i)
     * @param walkers        N
     * @param dataRows       positives used
     * @param meanDataEnergy mean U over those positives
     */
    record JarzynskiAggregate(float[] gradient, double logSum, double logSumSq, long walkers, long dataRows,
                              double meanDataEnergy) {
        public double ess() {
            return org.sparkebm.core.util.LogSpace.ess(logSum, logSumSq);
        }

        static JarzynskiAggregate of(float[] gradient, JarzynskiWeights w) {
            return new JarzynskiAggregate(gradient, w.logSum(), w.logSumSq(), w.walkers(), w.dataRows(),
                    w.dataEnergySum() / w.dataRows());
        }
    }
}
