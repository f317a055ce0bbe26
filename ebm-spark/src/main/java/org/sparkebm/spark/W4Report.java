package org.sparkebm.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.sparkebm.core.data.Dataset;
import org.sparkebm.core.eval.ImageClassifier;
import org.sparkebm.core.model.FittedGaussian;
import org.sparkebm.core.train.DeviceState;
import org.sparkebm.core.train.LogSpace;

/**
 * {@code W4Report <runs dir> <results dir> [fashion-mnist dir]}: the W4 readout. Trains the project's DL4J classifier
 * on the 60,000 labelled Fashion-MNIST training images (10 classes; its test accuracy is reported), then reads the
 * class of every final walker of {@code fmnist-biased-pcd} and {@code fmnist-biased-jarzynski} (the newest valid
 * checkpoint of each run: buffers and, for Jarzynski, log-weights, normalised over all devices) and of 2,000 draws
 * from the fitted Gaussian base both start from. Writes {@code w4.md} and {@code w4.png}.
 */
public final class W4Report {
    private W4Report() {}

    static final int[] CLASSES = {1, 7, 8};
    static final String[] NAMES = {"Trouser", "Sneaker", "Bag"};
    static final double[] TRUE = {4 / 7.0, 2 / 7.0, 1 / 7.0};

    /** Weighted class fractions over 10 classes; {@code logW} null for equal weights. */
    static double[] fractions(ImageClassifier clf, float[] x, int n, double[] logW) {
        int[] pred = clf.predict(x, n);
        double[] f = new double[10];
        double lse = logW == null ? 0 : LogSpace.logSumExp(logW);
        for (int i = 0; i < n; i++) {
            f[pred[i]] += logW == null ? 1.0 / n : Math.exp(logW[i] - lse);
        }
        return f;
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
        Dataset train = ShardLoader.readIdx(fm + "/train-images-idx3-ubyte.gz", fm + "/train-labels-idx1-ubyte.gz", 0, null, null);
        Dataset test = ShardLoader.readIdx(fm + "/t10k-images-idx3-ubyte.gz", fm + "/t10k-labels-idx1-ubyte.gz", 0, null, null);
        ImageClassifier clf = ImageClassifier.train(train, 10, 3, 0);
        double acc = clf.accuracy(test);
        System.out.printf(Locale.ROOT, "classifier: test accuracy %.4f (%.0f s)%n", acc, (System.nanoTime() - t0) / 1e9);

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
        add(rows, shares, labels, "start (fitted Gaussian, both methods)", fractions(clf, x0, n0, null), n0, Double.NaN);
        for (String m : new String[] {"pcd", "jarzynski"}) {
            String run = runs + "/fmnist-biased-" + m;
            CheckpointStore.Found f = new CheckpointStore(HadoopFiles.path(run)).newestValid(null);
            if (f == null) {
                System.err.println("W4Report: no valid checkpoint in " + run + "; skipped");
                continue;
            }
            List<DeviceState> states = CheckpointStore.readDevices(f.dir(), f.driver().devices());
            int d = states.get(0).buffer().dim();
            int n = states.stream().mapToInt(s -> s.buffer().size()).sum();
            float[] x = new float[n * d];
            double[] logW = m.equals("jarzynski") ? new double[n] : null;
            int at = 0;
            for (DeviceState s : states) {
                System.arraycopy(s.buffer().samples(), 0, x, at * d, s.buffer().size() * d);
                if (logW != null) {
                    System.arraycopy(s.jarzynski().logW(), 0, logW, at, s.buffer().size());
                }
                at += s.buffer().size();
            }
            double ess = logW == null ? Double.NaN : LogSpace.ess(LogSpace.logSumExp(logW), LogSpace.logSumExp2(logW));
            add(rows, shares, labels, m + " (round " + f.driver().nextRound() + ")", fractions(clf, x, n, logW), n, ess);
        }
        StringBuilder md = new StringBuilder("# W4 fmnist-biased: class proportions of the final walkers\n\n")
                .append("Fashion-MNIST classes 1 Trouser, 7 Sneaker, 8 Bag in proportions 4:2:1 (4,000 / 2,000 / 1,000 images),\n")
                .append("4 devices, an MLP energy (784-128-128-1, SiLU) on a full-covariance Gaussian base fitted to the images\n")
                .append("(ridge 0.01), 250 walkers per device that start from that base, ULA h = 0.005, one step per round,\n")
                .append("1,500 rounds, Adam 1e-4. Produced by `bench/w4.sh runs/w4` (configs `conf/fmnist-biased-{pcd,jarzynski}`).\n\n")
                .append(String.format(Locale.ROOT, "Classifier: DL4J MLP 784-256-10 trained by the project on the 60,000 labelled "
                        + "training images (3 epochs); test accuracy %.2f%% on the 10,000 test images.%n%n", 100 * acc))
                .append("Fractions among the three classes (the walkers the classifier puts in one of them), the absolute\n")
                .append("error per class against 0.571 / 0.286 / 0.143, and the weight the classifier gives to the other 7 classes.\n")
                .append("Jarzynski fractions are weighted by the walkers' normalised weights exp(A_i)/Σ exp(A_j).\n\n")
                .append("| walkers | N | ESS | Trouser | Sneaker | Bag | \\|err\\| Trouser | \\|err\\| Sneaker | \\|err\\| Bag | mean \\|err\\| | other classes |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach(md::append);
        Files.writeString(out.resolve("w4.md"), md.toString());
        CategoryChart chart = new CategoryChartBuilder().width(800).height(450)
                .title("W4: class proportions of the final walkers").xAxisTitle("class").yAxisTitle("fraction among the three").build();
        chart.addSeries("data (4:2:1)", List.of(NAMES), List.of(TRUE[0], TRUE[1], TRUE[2]));
        for (int i = 0; i < shares.size(); i++) {
            double[] s = shares.get(i);
            chart.addSeries(labels.get(i), List.of(NAMES), List.of(s[0], s[1], s[2]));
        }
        BitmapEncoder.saveBitmap(chart, out.resolve("w4.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.print(md);
    }

    private static void add(List<String> rows, List<double[]> shares, List<String> labels, String name, double[] f10,
                            int n, double ess) {
        double in = 0;
        for (int c : CLASSES) {
            in += f10[c];
        }
        double[] s = new double[3];
        double err = 0;
        StringBuilder r = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %s |", name, n,
                Double.isNaN(ess) ? "—" : String.format(Locale.ROOT, "%.0f", ess)));
        for (int k = 0; k < 3; k++) {
            s[k] = in > 0 ? f10[CLASSES[k]] / in : Double.NaN;
            r.append(String.format(Locale.ROOT, " %.3f |", s[k]));
        }
        for (int k = 0; k < 3; k++) {
            err += Math.abs(s[k] - TRUE[k]) / 3;
            r.append(String.format(Locale.ROOT, " %.3f |", Math.abs(s[k] - TRUE[k])));
        }
        r.append(String.format(Locale.ROOT, " %.3f | %.3f |%n", err, 1 - in));
        rows.add(r.toString());
        shares.add(s);
        labels.add(name);
    }
}
