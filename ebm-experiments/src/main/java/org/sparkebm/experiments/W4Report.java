package org.sparkebm.experiments;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.IdxReader;
import org.sparkebm.core.data.PcaProjection;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.model.FittedGaussian;
import org.sparkebm.core.train.DeviceState;
import org.sparkebm.core.util.LogSpace;
import org.sparkebm.spark.cli.ExportWalkers;
import org.sparkebm.spark.data.ShardLoader;
import org.sparkebm.spark.io.HadoopFiles;
import org.sparkebm.spark.run.CheckpointStore;

/**
 * {@code W4Report <runs dir> <results dir> [fashion-mnist dir]}: the W4 readout. Trains the project's DL4J classifier
 * on the 60,000 labelled Fashion-MNIST training images (10 classes; seen through the runs' projection when the runs
 * directory holds {@code fmnist-biased-projection.bin}; its test accuracy is reported), then reads, as the most
 * probable of the three W4 classes, every walker of each run {@code fmnist-biased-pcd[-s<seed>]} and
 * {@code fmnist-biased-jarzynski[-s<seed>]} at every kept checkpoint (buffers and, for Jarzynski, log-weights
 * normalised over all devices), the training set itself, and 2,000 draws from the initial Gaussian both methods start
 * from. Writes {@code w4.md} (final proportions per run and over seeds), {@code w4.png} and {@code w4-rounds.png}
 * (proportions against the round).
 */
public final class W4Report {
    private W4Report() {}

    static final int[] CLASSES = {1, 7, 8};
    static final String[] NAMES = {"Trouser", "Sneaker", "Bag"};
    static final double[] TRUE = {4 / 7.0, 2 / 7.0, 1 / 7.0};

    /**
     * What the classifier reads in a set of walkers: the weighted fractions of the three W4 classes, each walker
     * read as the most probable of them, and the weight whose unrestricted reading is another class (a measure of
     * walker quality, not part of the fractions).
     */
    record Reading(double[] shares, double other) {}

    /** The reading of {@code n} walkers {@code x} (read) with log-weights {@code logW} (null: equal weights). */
    static Reading fractions(ImageClassifier clf, float[] x, int n, double[] logW) {
        float[] p = clf.probabilities(x, n);
        double[] shares = new double[CLASSES.length];
        double other = 0;
        double lse = logW == null ? 0 : LogSpace.logSumExp(logW);
        for (int i = 0; i < n; i++) {
            double w = logW == null ? 1.0 / n : Math.exp(logW[i] - lse);
            int among = clf.argMax(p, i, CLASSES);
            shares[Arrays.binarySearch(CLASSES, among)] += w;
            if (clf.argMax(p, i, null) != among) {
                other += w;
            }
        }
        return new Reading(shares, other);
    }

    /** Mean absolute error of fractions among the three classes against 4:2:1. */
    static double meanAbsError(double[] s) {
        return (Math.abs(s[0] - TRUE[0]) + Math.abs(s[1] - TRUE[1]) + Math.abs(s[2] - TRUE[2])) / 3;
    }

    /** The rows of {@code data} (read) through the projection and back: the images a walker in principal coordinates can be. */
    static Shard throughProjection(PcaProjection proj, Shard data, String source) {
        float[] z = proj.project(data, source).values();
        return new Shard(proj.reconstruct(z, data.rows()), data.rows(), data.sampleShape(), data.labels());
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: W4Report <runs dir> <results dir> [fashion-mnist dir]");
        }
        String runs = args[0];
        java.nio.file.Path out = java.nio.file.Path.of(args[1]);
        String fm = args.length > 2 ? args[2] : "/usr/share/datasets/fashion-mnist";
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        org.apache.hadoop.fs.Path projPath = HadoopFiles.path(runs + "/fmnist-biased-projection.bin");
        PcaProjection proj = HadoopFiles.exists(projPath) ? PcaProjection.read(projPath.toString()) : null;
        Shard train = ShardLoader.readIdx(fm + "/train-images-idx3-ubyte.gz", fm + "/train-labels-idx1-ubyte.gz", 0, null, null);
        Shard test = ShardLoader.readIdx(fm + "/t10k-images-idx3-ubyte.gz", fm + "/t10k-labels-idx1-ubyte.gz", 0, null, null);
        Shard test3 = test.rows(IdxReader.selectRows(test.labels(), test.rows(), CLASSES, null, "test"));
        // the training set itself (4,000 / 2,000 / 1,000): what a perfect model's walkers would be read as
        Shard biased = train.rows(IdxReader.selectRows(train.labels(), train.rows(), CLASSES, new int[] {4000, 2000, 1000},
                "train"));
        if (proj != null) {
            // walkers live in the principal subspace: the classifier learns and is tested on images seen through it
            train = throughProjection(proj, train, "train");
            test = throughProjection(proj, test, "test");
            test3 = throughProjection(proj, test3, "test");
            biased = throughProjection(proj, biased, "train");
        }
        ImageClassifier clf = ImageClassifier.train(train, 10, 3, 0);
        double acc = clf.accuracy(test);
        double acc3 = clf.accuracy(test3);
        System.out.printf(Locale.ROOT, "classifier: test accuracy %.4f, on the three classes %.4f (%.0f s)%n", acc, acc3,
                (System.nanoTime() - t0) / 1e9);

        List<String> rows = new ArrayList<>();
        List<double[]> shares = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        // the common start: exact draws from the fitted base
        FittedGaussian base = FittedGaussian.read(HadoopFiles.path(runs + "/fmnist-biased-base.bin").toString());
        int n0 = 2000;
        float[] x0 = new float[n0 * base.dim()];
        SplittableRandom rng = new SplittableRandom(0);
        for (int i = 0; i < n0; i++) {
            base.draw(x0, i * base.dim(), rng);
        }
        if (proj != null) {
            x0 = proj.reconstruct(x0, n0);
        }
        add(rows, shares, labels, "the training images (4:2:1), read the same way", fractions(clf, biased.values(),
                biased.rows(), null), biased.rows(), Double.NaN);
        add(rows, shares, labels, "start (the initial Gaussian, both methods)", fractions(clf, x0, n0, null), n0, Double.NaN);
        List<String> summary = new ArrayList<>();
        List<double[]> means = new ArrayList<>();
        List<String> meanLabels = new ArrayList<>();
        Map<String, List<double[][]>> paths = new LinkedHashMap<>();
        for (String m : new String[] {"pcd", "jarzynski"}) {
            List<double[]> seeds = new ArrayList<>();
            List<double[][]> runPaths = new ArrayList<>();
            for (String run : runDirs(runs, "fmnist-biased-" + m)) {
                List<CheckpointStore.Found> all = new CheckpointStore(HadoopFiles.path(run)).allValid();
                if (all.isEmpty()) {
                    System.err.println("W4Report: no valid checkpoint in " + run + "; skipped");
                    continue;
                }
                // every kept checkpoint: rows (round, Trouser, Sneaker, Bag) for the curve; the last is the result
                double[][] path = new double[all.size()][];
                Walkers last = null;
                Reading lastF = null;
                for (int c = 0; c < all.size(); c++) {
                    last = walkers(all.get(c), m.equals("jarzynski"), proj);
                    lastF = fractions(clf, last.x, last.n, last.logW);
                    double[] sh = lastF.shares();
                    path[c] = new double[] {all.get(c).driver().nextRound(), sh[0], sh[1], sh[2]};
                    System.out.printf(Locale.ROOT, "%s round %d: %.3f %.3f %.3f%n", run, all.get(c).driver().nextRound(),
                            sh[0], sh[1], sh[2]);
                }
                runPaths.add(path);
                double ess = last.logW == null ? Double.NaN
                        : LogSpace.ess(LogSpace.logSumExp(last.logW), LogSpace.logSumExp2(last.logW));
                String name = new org.apache.hadoop.fs.Path(run).getName();
                seeds.add(add(rows, shares, labels, name + " (round " + all.get(all.size() - 1).driver().nextRound() + ")",
                        lastF, last.n, ess));
            }
            paths.put(m, runPaths);
            if (!seeds.isEmpty()) {
                double[] mean = new double[3];
                StringBuilder r = new StringBuilder(String.format(Locale.ROOT, "| %s | %d |", m, seeds.size()));
                for (int k = 0; k < 3; k++) {
                    final int kk = k;
                    double lo = seeds.stream().mapToDouble(v -> v[kk]).min().orElseThrow();
                    double hi = seeds.stream().mapToDouble(v -> v[kk]).max().orElseThrow();
                    mean[k] = seeds.stream().mapToDouble(v -> v[kk]).average().orElseThrow();
                    r.append(String.format(Locale.ROOT, " %.3f ± %.3f |", mean[k], (hi - lo) / 2));
                }
                // the error of each seed's own proportions, averaged (the error of the mean is smaller)
                double[] per = seeds.stream().mapToDouble(W4Report::meanAbsError).toArray();
                r.append(String.format(Locale.ROOT, " %.3f | %.3f (%.3f-%.3f) |%n", meanAbsError(mean),
                        Arrays.stream(per).average().orElseThrow(),
                        Arrays.stream(per).min().orElseThrow(), Arrays.stream(per).max().orElseThrow()));
                summary.add(r.toString());
                means.add(mean);
                meanLabels.add(m + " (mean of " + seeds.size() + ")");
            }
        }
        StringBuilder md = new StringBuilder("# W4 fmnist-biased: class proportions of the final walkers\n\n")
                .append("Fashion-MNIST classes 1 Trouser, 7 Sneaker, 8 Bag in proportions 4:2:1 (4,000 / 2,000 / 1,000 images).\n")
                .append("Produced by `bench/w4.sh` (configs `conf/fmnist-biased-{pcd,jarzynski}`; the set-up is in those files).\n\n");
        if (proj != null) {
            md.append(String.format(Locale.ROOT, "The runs train in the %d whitened principal coordinates of the images (`data.projection`,"
                    + " %.1f%% of the variance); walkers are read as the images they reconstruct.%n%n", proj.components(),
                    100 * proj.explainedVariance()));
        }
        md.append(String.format(Locale.ROOT, "Classifier: DL4J MLP 784-256-10 trained by the project on the 60,000 labelled "
                        + "training images%s (3 epochs); test accuracy %.2f%% on the 10,000 test images%s, %.2f%% on the"
                        + " 3,000 test images of the three classes.%n%n",
                proj == null ? "" : " seen through the projection", 100 * acc, proj == null ? "" : " (also projected)", 100 * acc3))
                .append("Each walker is read as the most probable of the three classes (the data hold nothing else); the table\n")
                .append("gives the fractions, the absolute error per class against 0.571 / 0.286 / 0.143, and, as a measure of\n")
                .append("walker quality, the weight whose unrestricted reading is one of the other 7 classes (\"other\").\n")
                .append("Jarzynski fractions are weighted by the walkers' normalised weights exp(A_i)/Σ exp(A_j).\n\n");
        if (!summary.isEmpty()) {
            md.append("Over seeds (mean ± half-range; the mean |err| of the mean proportions, and of each seed's own, with its range):\n\n")
                    .append("| method | seeds | Trouser | Sneaker | Bag | mean \\|err\\| of the mean | mean \\|err\\| per seed |\n|---|---|---|---|---|---|---|\n")
                    .append(String.format(Locale.ROOT, "| data | — | %.3f | %.3f | %.3f | 0 | 0 |%n", TRUE[0], TRUE[1], TRUE[2]));
            summary.forEach(md::append);
            md.append("\nEvery run:\n\n");
        }
        md.append("| walkers | N | ESS | Trouser | Sneaker | Bag | \\|err\\| Trouser | \\|err\\| Sneaker | \\|err\\| Bag | mean \\|err\\| | other classes |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach(md::append);
        Files.writeString(out.resolve("w4.md"), md.toString());
        CategoryChart chart = new CategoryChartBuilder().width(800).height(450)
                .title("W4: class proportions of the final walkers").xAxisTitle("class").yAxisTitle("fraction among the three").build();
        chart.addSeries("data (4:2:1)", List.of(NAMES), List.of(TRUE[0], TRUE[1], TRUE[2]));
        for (int i = 0; i < 2; i++) { // the training images and the start, as read by the classifier
            chart.addSeries(labels.get(i), List.of(NAMES), List.of(shares.get(i)[0], shares.get(i)[1], shares.get(i)[2]));
        }
        List<double[]> bars = means.isEmpty() ? shares.subList(2, shares.size()) : means;
        List<String> barLabels = means.isEmpty() ? labels.subList(2, labels.size()) : meanLabels;
        for (int i = 0; i < bars.size(); i++) {
            double[] s = bars.get(i);
            chart.addSeries(barLabels.get(i), List.of(NAMES), List.of(s[0], s[1], s[2]));
        }
        BitmapEncoder.saveBitmap(chart, out.resolve("w4.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(roundsChart(paths), out.resolve("w4-rounds.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.print(md);
    }

    /** The final walkers of a checkpoint, in the data space, with their log-weights (null for PCD). */
    record Walkers(float[] x, int n, double[] logW) {}

    /**
     * The walkers of a checkpoint; weighted ones carry the log-weights that belong to their positions (the pending
     * increment of the last move completed under the checkpoint's θ, as the walkers command writes them).
     */
    static Walkers walkers(CheckpointStore.Found f, boolean weighted, PcaProjection proj) throws IOException {
        if (weighted) {
            RunConfig cfg = RunConfig.fromMap(f.driver().config(), f.dir());
            int dim = CheckpointStore.readDevice(f.dir(), 0).buffer().dim();
            ExportWalkers.Walkers w = ExportWalkers.read(cfg, new int[] {dim}, f);
            return new Walkers(proj == null ? w.x() : proj.reconstruct(w.x(), w.n()), w.n(), w.logW());
        }
        List<DeviceState> states = CheckpointStore.readDevices(f.dir(), f.driver().devices());
        int d = states.get(0).buffer().dim();
        int n = states.stream().mapToInt(s -> s.buffer().size()).sum();
        float[] x = new float[n * d];
        int at = 0;
        for (DeviceState s : states) {
            System.arraycopy(s.buffer().samples(), 0, x, at * d, s.buffer().size() * d);
            at += s.buffer().size();
        }
        return new Walkers(proj == null ? x : proj.reconstruct(x, n), n, null);
    }

    /** Each class's fraction against the round, mean over seeds, per method, with the data's as flat lines. */
    static XYChart roundsChart(Map<String, List<double[][]>> paths) {
        XYChart chart = new XYChartBuilder().width(900).height(500)
                .title("W4: class fractions of the (weighted) walkers during training, mean over seeds")
                .xAxisTitle("round").yAxisTitle("fraction among the three classes").build();
        double maxRound = 1;
        for (Map.Entry<String, List<double[][]>> e : paths.entrySet()) {
            List<double[][]> runs = e.getValue();
            if (runs.isEmpty()) {
                continue;
            }
            int len = runs.stream().mapToInt(r -> r.length).min().orElseThrow();
            for (int k = 0; k < 3; k++) {
                double[] xs = new double[len];
                double[] ys = new double[len];
                for (int i = 0; i < len; i++) {
                    xs[i] = runs.get(0)[i][0];
                    for (double[][] r : runs) {
                        ys[i] += r[i][1 + k] / runs.size();
                    }
                    maxRound = Math.max(maxRound, xs[i]);
                }
                XYSeries sr = chart.addSeries(e.getKey() + " " + NAMES[k], xs, ys);
                sr.setMarker(SeriesMarkers.NONE);
                sr.setLineStyle(e.getKey().equals("pcd") ? SeriesLines.DASH_DASH
                        : SeriesLines.SOLID);
                sr.setLineColor(COLOURS[k]);
            }
        }
        for (int k = 0; k < 3; k++) {
            XYSeries t = chart.addSeries("data " + NAMES[k], new double[] {0, maxRound},
                    new double[] {TRUE[k], TRUE[k]});
            t.setMarker(SeriesMarkers.NONE);
            t.setLineStyle(SeriesLines.DOT_DOT);
            t.setLineColor(COLOURS[k]);
        }
        return chart;
    }

    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xd62728),
        new Color(0x2ca02c)};

    /** {@code runs/prefix} and {@code runs/prefix-s<seed>}, sorted. */
    static List<String> runDirs(String runs, String prefix) throws IOException {
        List<String> found = new ArrayList<>();
        org.apache.hadoop.fs.Path dir = HadoopFiles.path(runs);
        FileSystem fs = dir.getFileSystem(new Configuration());
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (st.isDirectory() && (name.equals(prefix) || name.matches(Pattern.quote(prefix) + "-s\\d+"))) {
                found.add(st.getPath().toString());
            }
        }
        found.sort(null);
        return found;
    }

    /** Adds a table row; returns the fractions among the three classes. */
    private static double[] add(List<String> rows, List<double[]> shares, List<String> labels, String name, Reading f,
                                int n, double ess) {
        double[] s = f.shares();
        StringBuilder r = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %s |", name, n,
                Double.isNaN(ess) ? "—" : String.format(Locale.ROOT, "%.0f", ess)));
        for (int k = 0; k < 3; k++) {
            r.append(String.format(Locale.ROOT, " %.3f |", s[k]));
        }
        for (int k = 0; k < 3; k++) {
            r.append(String.format(Locale.ROOT, " %.3f |", Math.abs(s[k] - TRUE[k])));
        }
        r.append(String.format(Locale.ROOT, " %.3f | %.3f |%n", meanAbsError(s), f.other()));
        rows.add(r.toString());
        shares.add(s);
        labels.add(name);
        return s;
    }
}
