package org.sparkebm.spark.run;

import java.util.Locale;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.train.RoundSummary;

/** The job's progress line, printed every {@code run.logEvery} rounds and at the end, and its number formats. */
public final class ProgressLine implements RunLoop.Listener {
    private final RunConfig cfg;

    public ProgressLine(RunConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public void roundDone(RoundSummary s, int doneThisRun, double elapsed) {
        int done = s.round() + 1;
        if (done % cfg.logEvery() != 0 && done != cfg.rounds()) {
            return;
        }
        double rate = doneThisRun / elapsed;
        double eta = (cfg.rounds() - done) / rate;
        RoundMetrics.Row row = new RoundMetrics.Row(s, -1, -1, Double.NaN, Double.NaN, "", cfg.devices());
        System.out.printf(Locale.ROOT, "[round %d/%d] %.2f rounds/s, ETA %s | %s%n", done, cfg.rounds(), rate,
                duration(eta), RoundMetrics.progress(row));
    }

    /** 42s, 3m07s, 2h05m. */
    public static String duration(double sec) {
        long s = Math.round(sec);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** 812 B, 8.0 kB, 3.9 MB. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1 << 20) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }
}
