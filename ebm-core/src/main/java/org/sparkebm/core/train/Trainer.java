package org.sparkebm.core.train;

import java.io.IOException;
import java.util.List;

/**
 * A training engine: P devices, each with its own data shard and chain state, and the {@link ParameterServer} that
 * combines their updates into θ. Implemented by {@link LocalTrainer} (every device folded in this JVM, in partition
 * order) and by the Spark engine (one partition per device); both take bit for bit the same rounds.
 *
 * <p>Call order: construct; optionally {@link #restore} (resume or rollback, together with
 * {@link ParameterServer#restore}); then {@link #runRound} as often as wanted. {@link #states},
 * {@link #dataEnergies} and {@link #saveStates} may be called between rounds. {@link #close} once at the end.
 */
public interface Trainer extends AutoCloseable {
    /** Runs round {@code server().round()}: devices step from the current θ, the server combines and updates θ. */
    RoundSummary runRound();

    /** Runs {@code rounds} rounds; returns the whole history (a convenience over {@link #runRound}). */
    default List<RoundSummary> run(int rounds) {
        for (int i = 0; i < rounds; i++) {
            runRound();
        }
        return history();
    }

    /** θ, the optimiser and the round counter. */
    ParameterServer server();

    /** The summaries of every round so far (restored ones included), oldest first; a live view. */
    List<RoundSummary> history();

    /** Every device's current state, in partition order (copies at the driver: chains are model samples). */
    List<DeviceState> states();

    /** The energies under {@code theta} (read only) of every training row, device by device in partition order. */
    double[] dataEnergies(float[] theta);

    /** Each device writes its state to {@code store}; returns the manifest entries in partition order. */
    List<String[]> saveStates(DeviceStore store) throws IOException;

    /** Replaces every device's state by the one in {@code store}, and the history by {@code history} (read). */
    void restore(DeviceStore store, List<RoundSummary> history) throws IOException;

    /** Releases what the engine holds (cached partitions, broadcasts). */
    @Override
    void close();
}
