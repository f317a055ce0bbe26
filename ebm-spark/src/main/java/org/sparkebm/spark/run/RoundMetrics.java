package org.sparkebm.spark.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.sparkebm.core.train.RoundSummary;
import org.sparkebm.spark.plot.Curves;

/**
 * Every per-round metric of a run, declared once: its {@code metrics.csv} column, its curve in {@code curves.png},
 * its part of the progress line and whether {@code summary.json} reports its final value. A metric that a round
 * already carries ({@link RoundSummary}) is added by one entry here and reaches all four.
 */
public final class RoundMetrics {
    private RoundMetrics() {}

    /** One round as the run saw it: the server's summary plus what the job measured around it. */
    public record Row(RoundSummary s, long sparkBytes, long shuffleBytes, double roundSeconds, double outsideSeconds, String event,
                      int devices) {}

    /** When a panel of {@code curves.png} is drawn. */
    public enum Shown {
        /** Always. */
        ALWAYS,
        /** When any of its series has a value. */
        IF_ANY,
        /** Only to fill the last row of the grid (two panels a row), when it has a value. */
        FILL
    }

    /** A panel of {@code curves.png}. */
    public record Panel(String title, String yAxis, boolean log, Shown shown) {}

    /** The groups of the progress line, in display order; parts of a group are joined by spaces. */
    public enum Group { ENERGY, BYTES, DEVICES, JARZYNSKI, CLASSIFIER, PRIVACY, WEIGHTS }

    /**
     * One metric.
     *
     * @param column   its {@code metrics.csv} column
     * @param csv      its cell
     * @param values   its values (one per series of a curve; null or NaN: no point), or null when not a number
     * @param panel    the panel of its curve, or null for none
     * @param series   the series' legend; with several values, a format with the series' 1-based index
     * @param group    the progress-line group, or null when not on the line
     * @param progress the progress-line part, or null when it does not apply this round
     * @param summary  the key of its final value in {@code summary.json} (reported when not NaN), or null
     */
    public record Metric(String column, Function<Row, String> csv, Function<Row, double[]> values, Panel panel,
                         String series, Group group, Function<Row, String> progress, String summary) {}

    static final Panel ENERGIES = new Panel("Energies", "mean energy", false, Shown.ALWAYS);
    static final Panel NORMS = new Panel("Gradient norms", "norm (log)", true, Shown.ALWAYS);
    static final Panel BYTES = new Panel("Bytes per round (all devices)", "bytes (log)", true, Shown.ALWAYS);
    static final Panel MODES = new Panel("Mode weights", "weight", false, Shown.IF_ANY);
    static final Panel ESS = new Panel("Jarzynski: effective sample size", "ESS", false, Shown.IF_ANY);
    static final Panel EPSILON = new Panel("Privacy spent", "ε", false, Shown.IF_ANY);
    static final Panel CLASSIFIER = new Panel("Classifier (training batches)", "accuracy / cross-entropy", false,
            Shown.IF_ANY);
    static final Panel LOSS = new Panel("Loss", "contrastive loss", false, Shown.FILL);

    /** The panels of {@code curves.png} in display order. */
    static final List<Panel> PANELS = List.of(ENERGIES, NORMS, BYTES, MODES, ESS, EPSILON, CLASSIFIER, LOSS);

    /** Every metric in {@code metrics.csv} column order. */
    public static final List<Metric> ALL = List.of(
            plain("round", r -> String.valueOf(r.s().round())),
            new Metric("devices", r -> String.valueOf(r.s().devices().size()), null, null, null, Group.DEVICES,
                    r -> "devices " + r.s().devices().size() + "/" + r.devices(), null),
            number("energy_pos", r -> r.s().energyPos(), ENERGIES, "E(positives)", Group.ENERGY, "E+ %.4f", "energy_pos"),
            number("energy_neg", r -> r.s().energyNeg(), ENERGIES, "E(negatives)", Group.ENERGY, "E- %.4f", "energy_neg"),
            number("loss", r -> r.s().loss(), LOSS, "loss", Group.ENERGY, "loss %.4f", "loss"),
            number("grad_norm", r -> r.s().gradNorm(), NORMS, "mean ||δ^p||", Group.ENERGY, "|g| %.4f", "grad_norm"),
            number("update_norm", r -> r.s().updateNorm(), NORMS, "||aggregated Δ||", null, null, null),
            new Metric("encoded_bytes", r -> String.valueOf(r.s().encodedBytes()),
                    r -> new double[] {r.s().encodedBytes()}, BYTES, "encoded", Group.BYTES,
                    r -> "up " + ProgressLine.human(r.s().encodedBytes()) + "/round", null),
            new Metric("dense_bytes", r -> String.valueOf(r.s().denseBytes()), r -> new double[] {r.s().denseBytes()},
                    BYTES, "dense fp32", Group.BYTES, r -> "(dense " + ProgressLine.human(r.s().denseBytes()) + ")",
                    null),
            new Metric("spark_result_bytes", r -> String.valueOf(r.sparkBytes()),
                    r -> new double[] {r.sparkBytes() > 0 ? r.sparkBytes() : Double.NaN}, BYTES, "Spark task results",
                    null, null, null),
            new Metric("spark_shuffle_bytes", r -> String.valueOf(r.shuffleBytes()),
                    r -> new double[] {r.shuffleBytes() > 0 ? r.shuffleBytes() : Double.NaN}, BYTES,
                    "Spark shuffle (reduce-scatter)", null, null, null),
            number("device_seconds", r -> r.s().deviceSeconds(), null, null, null, null, null),
            number("device_seconds_total", r -> r.s().deviceSecondsSum(), null, null, null, null, null),
            number("round_seconds", Row::roundSeconds, null, null, null, null, null),
            number("outside_seconds", Row::outsideSeconds, null, null, null, null, null),
            plain("reinitialised", r -> String.valueOf(r.s().reinitialised())),
            number("ess", r -> r.s().ess(), ESS, "ESS", Group.JARZYNSKI, "ESS %.0f", "ess"),
            number("log_z", r -> r.s().logZ(), null, null, Group.JARZYNSKI, "log Z %.3f", "log_z"),
            number("cross_entropy", r -> r.s().crossEntropy(), null, null, Group.JARZYNSKI, "CE %.4f", "cross_entropy"),
            plain("resample_next", r -> String.valueOf(r.s().resampleNext())),
            new Metric("mode_weights", r -> weights(r.s().modeWeights(), ";", "%.6g"), r -> r.s().modeWeights(),
                    MODES, "mode %d", Group.WEIGHTS, r -> r.s().modeWeights() == null ? null
                    : "weights " + weights(r.s().modeWeights(), ", ", "%.3f", "[", "]"), null),
            number("epsilon", r -> r.s().epsilon(), EPSILON, "ε", Group.PRIVACY, "ε %.4f", null),
            number("clf_loss", r -> r.s().clfLoss(), CLASSIFIER, "cross-entropy", Group.CLASSIFIER, "CE %.4f", null),
            number("clf_accuracy", r -> r.s().clfAccuracy(), CLASSIFIER, "accuracy", Group.CLASSIFIER, "clf acc %.3f",
                    null),
            plain("event", Row::event));

    private static Metric plain(String column, Function<Row, String> csv) {
        return new Metric(column, csv, null, null, null, null, null, null);
    }

    /** A number written with 6 significant digits; NaN leaves it off the curve and the progress line. */
    private static Metric number(String column, ToDoubleFunction<Row> v, Panel panel, String series,
                                 Group group, String progress, String summary) {
        return new Metric(column, r -> fmt(v.applyAsDouble(r)), r -> new double[] {v.applyAsDouble(r)},
                panel, series, group, progress == null ? null : r -> {
                    double x = v.applyAsDouble(r);
                    return Double.isNaN(x) ? null : String.format(Locale.ROOT, progress, x);
                }, summary);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static String weights(double[] w, String sep, String format) {
        return weights(w, sep, format, "", "");
    }

    private static String weights(double[] w, String sep, String format, String open, String close) {
        if (w == null) {
            return "";
        }
        return Arrays.stream(w).mapToObj(x -> String.format(Locale.ROOT, format, x))
                .collect(Collectors.joining(sep, open, close));
    }

    /**
     * The rows of a run. {@code sparkBytes[i]} (task results to the driver), {@code shuffleBytes[i]} (shuffle
     * written) and {@code roundSeconds[i]} align with the history; -1 where not measured. The outside time
     * is the round time not covered by device work: the device steps occupy at least max(longest step, summed steps
     * / parallel task slots) of wall time, so that is what is subtracted.
     *
     * @param slots   how many device steps run at once (Spark's default parallelism; 1 for the local engine)
     * @param devices the run's device count P
     */
    public static List<Row> rows(List<RoundSummary> history, long[] sparkBytes, long[] shuffleBytes, double[] roundSeconds,
                                 Map<Integer, String> events, int slots, int devices) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            RoundSummary s = history.get(i);
            double busy = Math.max(s.deviceSeconds(), s.deviceSecondsSum() / Math.max(1, slots));
            rows.add(new Row(s, sparkBytes[i], shuffleBytes[i], roundSeconds[i], Math.max(0, roundSeconds[i] - busy),
                    events.getOrDefault(s.round(), ""), devices));
        }
        return rows;
    }

    /** The header line of {@code metrics.csv}. */
    public static String csvHeader() {
        return ALL.stream().map(Metric::column).collect(Collectors.joining(","));
    }

    /** A row of {@code metrics.csv} (without the newline). */
    public static String csvRow(Row r) {
        return ALL.stream().map(m -> m.csv().apply(r)).collect(Collectors.joining(","));
    }

    /** The progress line's parts of a round after its fixed prefix: " | "-separated groups in {@link Group} order. */
    public static String progress(Row r) {
        Map<Group, List<String>> parts = new EnumMap<>(Group.class);
        for (Metric m : ALL) {
            if (m.group() != null && m.progress() != null) {
                String p = m.progress().apply(r);
                if (p != null) {
                    parts.computeIfAbsent(m.group(), g -> new ArrayList<>()).add(p);
                }
            }
        }
        return parts.values().stream().map(l -> String.join(" ", l)).collect(Collectors.joining(" | "));
    }

    /** The panels of {@code curves.png} for these rounds: each shown as its {@link Shown} says, with its series. */
    public static List<Curves.Panel> curves(List<Row> rows) {
        List<Curves.Panel> out = new ArrayList<>();
        for (Panel p : PANELS) {
            List<Curves.Series> series = new ArrayList<>();
            for (Metric m : ALL) {
                if (m.panel() != p) {
                    continue;
                }
                int width = rows.stream().map(r -> m.values().apply(r)).filter(v -> v != null)
                        .mapToInt(v -> v.length).max().orElse(0);
                for (int j = 0; j < width; j++) {
                    int jj = j;
                    List<Double> y = rows.stream().map(r -> {
                        double[] v = m.values().apply(r);
                        return v == null || jj >= v.length ? Double.NaN : v[jj];
                    }).toList();
                    if (y.stream().anyMatch(v -> !v.isNaN())) {
                        series.add(new Curves.Series(
                                width > 1 || m.series().contains("%d") ? String.format(Locale.ROOT, m.series(), j + 1)
                                        : m.series(), y));
                    }
                }
            }
            boolean shown = switch (p.shown()) {
                case ALWAYS -> true;
                case IF_ANY -> !series.isEmpty();
                case FILL -> !series.isEmpty() && out.size() % 2 == 1;
            };
            if (shown) {
                out.add(new Curves.Panel(p.title(), p.yAxis(), p.log(), series));
            }
        }
        return out;
    }

    /** The final values {@code summary.json} reports (those that are not NaN), in column order. */
    public static Map<String, Object> finalValues(Row last) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Metric m : ALL) {
            if (m.summary() != null) {
                double v = m.values().apply(last)[0];
                if (!Double.isNaN(v)) {
                    out.put(m.summary(), v);
                }
            }
        }
        return out;
    }
}
