package org.sparkebm.spark.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Curves and histograms as PNG (XChart): {@code curves.png} of a run (its panels are chosen by the run's metric
 * registry) and the energy histograms of scoring and evaluation.
 */
public final class Curves {
    private Curves() {}

    public static final int W = 560;
    public static final int H = 340;

    /** A curve: its legend and one y per x (NaN: no point). */
    public record Series(String name, List<Double> y) {}

    /** A panel: title, y axis, whether the y axis is logarithmic, and its curves. */
    public record Panel(String title, String yAxis, boolean log, List<Series> series) {}

    /**
     * The panels as a grid, two per row, against the rounds {@code x}. On a log axis, non-positive values are left
     * out (no point).
     */
    public static byte[] png(List<Double> x, List<Panel> panels) throws IOException {
        // XChart puts its ticks on the data's x values when these are equally spaced, at a step that crams the
        // labels together ("103120137…"); a last x off that grid by a hundredth of a step (invisible) makes it
        // choose round numbers at the spacing hint instead.
        List<Double> xs = new ArrayList<>(x);
        if (xs.size() > 2) {
            int last = xs.size() - 1;
            xs.set(last, xs.get(last) + 0.01 * (xs.get(1) - xs.get(0)));
        }
        List<XYChart> charts = new ArrayList<>();
        for (Panel p : panels) {
            XYChart c = chart(p.title(), p.yAxis());
            if (p.log()) {
                c.getStyler().setYAxisLogarithmic(true);
                // not only the decades, which over a small range is one label ("1E4"); numbers as people write them
                c.getStyler().setYAxisLogarithmicDecadeOnly(false);
                c.getStyler().setyAxisTickLabelsFormattingFunction(Curves::compact);
            }
            for (Series s : p.series()) {
                add(c, s.name(), xs, p.log() ? positive(s.y()) : s.y());
            }
            charts.add(c);
        }
        BufferedImage out = new BufferedImage(2 * W, (charts.size() + 1) / 2 * H, BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = out.createGraphics();
        gr.setColor(Color.WHITE);
        gr.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int i = 0; i < charts.size(); i++) {
            gr.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % 2) * W, (i / 2) * H, null);
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
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return c;
    }

    private static void add(XYChart c, String name, List<Double> x, List<Double> y) {
        c.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
    }

    /** A tick label: 3 significant digits, thousands as k and millions as M (0.05, 2.5, 800, 12k, 3.4M). */
    static String compact(Double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return trim(v / 1e9) + "G";
        }
        if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** Non-positive values cannot sit on a log axis: NaN leaves a gap. */
    private static List<Double> positive(List<Double> v) {
        return v.stream().map(x -> x > 0 ? x : Double.NaN).toList();
    }

    /**
     * Energy histograms of several sets on shared bins (50 bins over the pooled 0.5–99.5% range, values outside
     * counted in the end bins), each normalised to a density, as one PNG.
     */
    public static byte[] histograms(String title, Map<String, double[]> sets) throws IOException {
        double[] pooled = sets.values().stream().flatMapToDouble(Arrays::stream).filter(Double::isFinite)
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
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        for (Map.Entry<String, double[]> e : sets.entrySet()) {
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
