package org.sparkebm.spark.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.train.DriverCheckpoint;
import org.sparkebm.core.train.ParameterServer;
import org.sparkebm.core.train.RoundSummary;
import org.sparkebm.core.train.Trainer;

/**
 * The one training loop, for every engine ({@link Trainer}) and every caller (the job, the Spark ML estimator):
 * rounds until {@code run.rounds}, stopping early when the privacy budget would be exceeded; checkpoints every
 * {@code checkpoint.every} rounds (and at round 0 and the end); on divergence a rollback to the last checkpoint
 * with the learning rate times {@code recovery.lrFactor}, at most {@code recovery.maxRollbacks} times.
 *
 * <p>Without a checkpoint store (the estimator) nothing is written and a divergence ends the loop at once.
 */
public final class RunLoop {
    /** Told of every completed round (not of rounds undone by a rollback). */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param doneThisRun rounds completed since this loop started (resumed rounds excluded)
         * @param elapsed     seconds since this loop started
         */
        void roundDone(RoundSummary s, int doneThisRun, double elapsed);
    }

    /**
     * What a loop did.
     *
     * @param roundSeconds  wall time of each round, by round index (restored from the checkpoint when resumed)
     * @param rollbacks     one entry per rollback: round, reason, rolled_back_to, lr_multiplier
     * @param eventsByRound a note for the metrics of the round where a rollback resumed
     * @param seconds       wall time of this loop
     * @param startRound    the first round this loop ran (0, or the resumed round)
     * @param stopReason    why the loop stopped before {@code run.rounds}, or null
     */
    public record Outcome(double[] roundSeconds, List<Map<String, Object>> rollbacks, Map<Integer, String> eventsByRound,
                          double seconds, int startRound, String stopReason) {}

    private final RunConfig cfg;
    private final CheckpointStore store;
    private final Listener listener;

    /**
     * @param store where checkpoints go, or null for none (then no rollback either)
     */
    public RunLoop(RunConfig cfg, CheckpointStore store, Listener listener) {
        this.cfg = cfg;
        this.store = store;
        this.listener = listener;
    }

    /**
     * Runs {@code trainer} to the end of the run.
     *
     * @param resumeFrom the checkpoint to continue from, or null to start at round 0
     * @throws DivergedException when a divergence can no longer be rolled back
     */
    public Outcome run(Trainer trainer, CheckpointStore.Found resumeFrom) throws IOException {
        RunConfig.Recovery rec = cfg.recovery();
        double[] roundSeconds = new double[cfg.rounds()];
        ParameterServer server = trainer.server();
        CheckpointStore.Found last;
        if (resumeFrom != null) {
            restore(trainer, resumeFrom);
            System.arraycopy(resumeFrom.driver().roundSeconds(), 0, roundSeconds, 0,
                    Math.min(roundSeconds.length, resumeFrom.driver().roundSeconds().length));
            System.out.printf(Locale.ROOT, "sparkebm: resumed from %s (round %d)%n", resumeFrom.dir(), server.round());
            last = resumeFrom;
        } else {
            last = checkpoint(trainer, roundSeconds);
        }
        List<Map<String, Object>> rollbacks = new ArrayList<>();
        Map<Integer, String> eventsByRound = new TreeMap<>();
        long start = System.nanoTime();
        int startRound = server.round();
        String stopReason = null;
        while (server.round() < cfg.rounds()) {
            if (!server.budgetAllowsNextRound()) {
                stopReason = String.format(Locale.ROOT, "privacy budget: round %d would take ε from %.4f past %.4f",
                        server.round() + 1, server.epsilonAfter(server.round()), cfg.privacy().epsilonBudget());
                System.out.println("sparkebm: stopping early, " + stopReason);
                if (server.round() % rec.checkpointEvery() != 0) {
                    last = checkpoint(trainer, roundSeconds);
                }
                break;
            }
            long t0 = System.nanoTime();
            RoundSummary s = trainer.runRound();
            roundSeconds[s.round()] = (System.nanoTime() - t0) / 1e9;
            String problem = divergence(s, server, rec);
            if (problem != null) {
                if (last == null) {
                    throw new DivergedException(problem + " (no checkpoint to roll back to). Lower optimizer.lr or"
                            + " sampler.stepSize, or raise train.l2");
                }
                if (server.rollbacks() >= rec.maxRollbacks()) {
                    throw new DivergedException(problem + "; " + server.rollbacks() + " rollback(s) already taken"
                            + " (recovery.maxRollbacks = " + rec.maxRollbacks() + "). Lower optimizer.lr or"
                            + " sampler.stepSize, or raise train.l2");
                }
                double mult = server.lrMultiplier() * rec.lrFactor();
                int taken = server.rollbacks() + 1;
                System.out.printf(Locale.ROOT, "sparkebm: %s; rolling back to round %d with learning rate x%.4g (rollback %d of %d)%n",
                        problem, last.driver().nextRound(), mult, taken, rec.maxRollbacks());
                Map<String, Object> ev = new LinkedHashMap<>();
                ev.put("round", s.round());
                ev.put("reason", problem);
                ev.put("rolled_back_to", last.driver().nextRound());
                ev.put("lr_multiplier", mult);
                rollbacks.add(ev);
                eventsByRound.merge(last.driver().nextRound(), String.format(Locale.ROOT,
                        "resumed after rollback from round %d (lr x%.4g)", s.round(), mult), (x, y) -> x + "; " + y);
                restore(trainer, last);
                server.setRecovery(mult, taken);
                continue;
            }
            int done = s.round() + 1;
            listener.roundDone(s, done - startRound, (System.nanoTime() - start) / 1e9);
            if (done % rec.checkpointEvery() == 0 || done == cfg.rounds()) {
                last = checkpoint(trainer, roundSeconds);
            }
        }
        return new Outcome(roundSeconds, rollbacks, eventsByRound, (System.nanoTime() - start) / 1e9, startRound,
                stopReason);
    }

    private static void restore(Trainer trainer, CheckpointStore.Found from) throws IOException {
        trainer.server().restore(from.driver());
        trainer.restore(CheckpointStore.devices(from.dir()), from.driver().history());
    }

    /** Writes a checkpoint of the state before round {@code server.round()}; null without a store. */
    private CheckpointStore.Found checkpoint(Trainer trainer, double[] roundSeconds) throws IOException {
        if (store == null) {
            return null;
        }
        ParameterServer server = trainer.server();
        int r = server.round();
        String dir = store.dir(r).toString();
        List<String[]> parts = trainer.saveStates(CheckpointStore.devices(dir));
        DriverCheckpoint snap = server.snapshot(trainer.history(), Arrays.copyOf(roundSeconds, r));
        store.commit(r, snap, parts, cfg.recovery().keep());
        return new CheckpointStore.Found(snap, dir);
    }

    /** Why round s counts as diverged, or null. */
    static String divergence(RoundSummary s, ParameterServer server, RunConfig.Recovery rec) {
        if (s.devices().isEmpty()) {
            return null; // no device this round (Poisson sampling): nothing to judge
        }
        if (!Double.isFinite(s.energyPos()) || !Double.isFinite(s.energyNeg()) || !Double.isFinite(s.gradNorm())
                || !Double.isFinite(s.updateNorm())) {
            return "round " + s.round() + ": non-finite energies or gradients (E+ " + s.energyPos() + ", E- "
                    + s.energyNeg() + ", |g| " + s.gradNorm() + ")";
        }
        if (Math.abs(s.energyPos()) > rec.maxAbsEnergy() || Math.abs(s.energyNeg()) > rec.maxAbsEnergy()) {
            return "round " + s.round() + ": energies exploded (E+ " + s.energyPos() + ", E- " + s.energyNeg()
                    + ", recovery.maxAbsEnergy = " + rec.maxAbsEnergy() + ")";
        }
        for (float f : server.theta()) {
            if (!Float.isFinite(f)) {
                return "round " + s.round() + ": θ has non-finite entries";
            }
        }
        return null;
    }
}
