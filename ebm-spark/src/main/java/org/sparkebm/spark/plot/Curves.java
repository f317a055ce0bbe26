package org.sparkebm.spark.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.sparkebm.core.train.RoundSummary;

/**
 * {@code curves.png}: the training curves of a run as a grid of XChart panels, two per row: energies of positives
 * and negatives; gradient norms; bytes per round (encoded, dense, what Spark moved); then whichever apply of mode
 * weights (mixture energies), ESS (Jarzynski) and ε (privacy), and the loss to fill the last row.
 */
public final class Curves {
    private Curves() {}

    public static final int W = 560;
    public static final int H = 340;

    public static byte[] png(List<RoundSummary> history, long[] sparkBytes) throws IOException {
        List<Double> r = new ArrayList<>();
        for (RoundSummary s : history) {
            r.add((double) s.round() + 1);
        }
        List<XYChart> panels = new ArrayList<>();
        XYChart e = chart("Energies", "mean energy");
        add(e, "E(positives)", r, history.stream().map(RoundSummary::energyPos).toList());
        add(e, "E(negatives)", r, history.stream().map(RoundSummary::energyNeg).toList());
        panels.add(e);
        XYChart g = chart("Gradient norms", "norm (log)");
        g.getStyler().setYAxisLogarithmic(true);
        add(g, "mean ||δ^p||", r, positive(history.stream().map(RoundSummary::gradNorm).toList()));
        add(g, "||aggregated Δ||", r, positive(history.stream().map(RoundSummary::updateNorm).toList()));
        panels.add(g);
        XYChart b = chart("Bytes per round (all devices)", "bytes (log)");
        b.getStyler().setYAxisLogarithmic(true);
        add(b, "encoded", r, positive(history.stream().map(s -> (double) s.encodedBytes()).toList()));
        add(b, "dense fp32", r, positive(history.stream().map(s -> (double) s.denseBytes()).toList()));
        List<Double> moved = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            moved.add(sparkBytes != null && i < sparkBytes.length && sparkBytes[i] > 0 ? (double) sparkBytes[i] : Double.NaN);
        }
        if (moved.stream().anyMatch(x -> !x.isNaN())) {
            add(b, "Spark task results", r, moved);
        }
        panels.add(b);
        if (history.stream().anyMatch(s -> s.modeWeights() != null)) {
            XYChart m = chart("Mode weights", "weight");
            int k = history.stream().filter(s -> s.modeWeights() != null).findFirst().orElseThrow().modeWeights().length;
            for (int j = 0; j < k; j++) {
                int jj = j;
                add(m, "mode " + (j + 1), r, history.stream()
                        .map(s -> s.modeWeights() == null ? Double.NaN : s.modeWeights()[jj]).toList());
            }
            panels.add(m);
        }
        if (history.stream().anyMatch(s -> !Double.isNaN(s.ess()))) {
            XYChart m = chart("Jarzynski: effective sample size", "ESS");
            add(m, "ESS", r, history.stream().map(RoundSummary::ess).toList());
            panels.add(m);
        }
        if (history.stream().anyMatch(s -> !Double.isNaN(s.epsilon()))) {
            XYChart m = chart("Privacy spent", "ε");
            add(m, "ε", r, history.stream().map(RoundSummary::epsilon).toList());
            panels.add(m);
        }
        if (history.stream().anyMatch(s -> !Double.isNaN(s.clfAccuracy()))) {
            XYChart m = chart("Classifier (training batches)", "accuracy / cross-entropy");
            add(m, "accuracy", r, history.stream().map(RoundSummary::clfAccuracy).toList());
            add(m, "cross-entropy", r, history.stream().map(RoundSummary::clfLoss).toList());
            panels.add(m);
        }
        if (panels.size() % 2 == 1) {
            XYChart m = chart("Loss", "contrastive loss");
            add(m, "loss", r, history.stream().map(RoundSummary::loss).toList());
            panels.add(m);
        }
        BufferedImage out = new BufferedImage(2 * W, (panels.size() + 1) / 2 * H, BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = out.createGraphics();
        gr.setColor(Color.WHITE);
        gr.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            gr.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), (i % 2) * W, (i / 2) * H, null);
        }
        gr.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(out, "png", bytes);
        return bytes.toByteArray();
    }

    private static XYChart chart(String title, String y) {
        XYChart c = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle("round").yAxisTitle(y).build();
        c.getStyler().setMarkerSize(0);
        c.getStyler().setXAxisTickMarkSpacingHint(90);
        c.getStyler().setXAxisDecimalPattern("#");
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        return c;
    }

    private static void add(XYChart c, String name, List<Double> x, List<Double> y) {
        c.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
    }

    /** Non-positive values cannot sit on a log axis: NaN leaves a gap. */
    private static List<Double> positive(List<Double> v) {
        return v.stream().map(x -> x > 0 ? x : Double.NaN).toList();
    }

    /**
     * Energy histograms of several sets on shared bins (50 bins over the pooled 0.5–99.5% range, values outside
     * counted in the end bins), each normalised to a density, as one PNG.
     */
    public static byte[] histograms(String title, java.util.Map<String, double[]> sets) throws IOException {
        double[] pooled = sets.values().stream().flatMapToDouble(java.util.Arrays::stream).filter(Double::isFinite)
                .sorted().toArray();
        if (pooled.length == 0) {
            throw new IllegalArgumentException("no finite values to plot");
        }
        double lo = pooled[(int) (0.005 * (pooled.length - 1))];
        double hi = pooled[(int) (0.995 * (pooled.length - 1))];
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        int bins = 50;
        double w = (hi - lo) / bins;
        List<Double> centers = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            centers.add(lo + (b + 0.5) * w);
        }
        XYChart c = new XYChartBuilder().width(2 * W).height(H + 60).title(title).xAxisTitle("energy E(x)")
                .yAxisTitle("density").build();
        c.getStyler().setMarkerSize(0);
        c.getStyler().setXAxisDecimalPattern("#,##0.0#");
        c.getStyler().setXAxisTickMarkSpacingHint(90);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        for (java.util.Map.Entry<String, double[]> e : sets.entrySet()) {
            double[] counts = new double[bins];
            long n = 0;
            for (double v : e.getValue()) {
                if (Double.isFinite(v)) {
                    counts[Math.max(0, Math.min(bins - 1, (int) Math.floor((v - lo) / w)))]++;
                    n++;
                }
            }
            List<Double> density = new ArrayList<>();
            for (double k : counts) {
                density.add(n == 0 ? 0 : k / (n * w));
            }
            add(c, e.getKey() + " (" + n + ")", centers, density);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(c, bytes, BitmapEncoder.BitmapFormat.PNG);
        return bytes.toByteArray();
    }
}
