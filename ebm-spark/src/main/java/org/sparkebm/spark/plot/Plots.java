package org.sparkebm.spark.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.core.data.PcaProjection;
import org.sparkebm.core.data.Shard;
import org.sparkebm.core.model.EnergyModel;

/**
 * Pictures of a run: sample grids for images, and for 2-D data the learned density exp(−E) as a heat map with
 * the chains drawn over it. These are rasters of model values, not charts, so they are drawn with Java2D.
 */
public final class Plots {
    private Plots() {}

    /**
     * Samples as the images they show: {@code n} rows of {@code samples} (read) with sample shape {@code shape},
     * reconstructed through the run's {@code data.projection} when it has one; null when they are not grey images.
     */
    public static Shown images(RunConfig cfg, int[] shape, float[] samples, int n) {
        float[] x = samples;
        if (cfg.data().projection() != null) {
            PcaProjection p = PcaProjection.read(cfg.data().projection());
            shape = p.sourceShape();
            x = p.reconstruct(samples, n);
        }
        return shape.length == 3 && shape[0] == 1 ? new Shown(x, shape[1], shape[2]) : null;
    }

    /** Grey images, {@code h × w} each, row-major. */
    public record Shown(float[] pixels, int h, int w) {}

    /** A grid of image samples ({@code [n, C·H·W]} row-major, values in [−1, 1]), 8 per row, 2x scale. */
    public static byte[] imageGrid(float[] samples, int n, int h, int w) throws IOException {
        return imageGrid(samples, n, h, w, Math.min(8, n));
    }

    /** The same with {@code cols} images per row (e.g. one row per class). */
    public static byte[] imageGrid(float[] samples, int n, int h, int w, int cols) throws IOException {
        int rows = (n + cols - 1) / cols;
        int scale = 2;
        int pad = 2;
        BufferedImage img = new BufferedImage(cols * (w * scale + pad) + pad, rows * (h * scale + pad) + pad,
                BufferedImage.TYPE_BYTE_GRAY);
        for (int k = 0; k < n; k++) {
            int ox = pad + (k % cols) * (w * scale + pad);
            int oy = pad + (k / cols) * (h * scale + pad);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = samples[k * h * w + y * w + x];
                    int g = Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
                    int rgb = (g << 16) | (g << 8) | g;
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            img.setRGB(ox + x * scale + dx, oy + y * scale + dy, rgb);
                        }
                    }
                }
            }
        }
        return png(img);
    }

    /** Bounds [xmin, xmax, ymin, ymax] of the first two coordinates of the data with a 15% margin. */
    public static double[] bounds(Shard data) {
        double[] b = {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE};
        int d = data.dim();
        for (int i = 0; i < data.rows(); i++) {
            float x = data.values()[i * d];
            float y = d > 1 ? data.values()[i * d + 1] : 0f;
            b[0] = Math.min(b[0], x);
            b[1] = Math.max(b[1], x);
            b[2] = Math.min(b[2], y);
            b[3] = Math.max(b[3], y);
        }
        double mx = 0.15 * (b[1] - b[0]) + 0.5;
        double my = 0.15 * (b[3] - b[2]) + 0.5;
        return new double[] {b[0] - mx, b[1] + mx, b[2] - my, b[3] + my};
    }

    /** Normalised density exp(−E) on an n×n grid over the bounds, row-major by x then y (p[i*n + j]). */
    public static double[] gridDensity(EnergyModel m, double[] b, int n) {
        float[] g = new float[2 * n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                g[2 * (i * n + j)] = (float) (b[0] + (b[1] - b[0]) * (i + 0.5) / n);
                g[2 * (i * n + j) + 1] = (float) (b[2] + (b[3] - b[2]) * (j + 0.5) / n);
            }
        }
        double[] e = m.energy(Nd4j.create(g, new long[] {(long) n * n, 2}, 'c')).toDoubleVector();
        double min = Double.MAX_VALUE;
        for (double v : e) {
            min = Math.min(min, v);
        }
        double s = 0;
        double[] p = new double[e.length];
        for (int k = 0; k < e.length; k++) {
            p[k] = Math.exp(-(e[k] - min));
            s += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= s;
        }
        return p;
    }

    /** Heat map of the learned 2-D density with chains (white) over it. */
    public static byte[] density2d(EnergyModel m, double[] b, float[] chains, int nChains) throws IOException {
        int n = 300;
        double[] p = gridDensity(m, b, n);
        double max = 0;
        for (double v : p) {
            max = Math.max(max, v);
        }
        BufferedImage img = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double t = Math.sqrt(p[i * n + j] / max);
                img.setRGB(i, n - 1 - j, colour(t));
            }
        }
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(255, 255, 255, 170));
        g.setStroke(new BasicStroke(1f));
        for (int k = 0; k < nChains; k++) {
            double x = (chains[2 * k] - b[0]) / (b[1] - b[0]) * n;
            double y = n - 1 - (chains[2 * k + 1] - b[2]) / (b[3] - b[2]) * n;
            g.fillOval((int) x - 1, (int) y - 1, 3, 3);
        }
        g.setColor(Color.WHITE);
        g.drawString(String.format("x in [%.1f, %.1f], y in [%.1f, %.1f]", b[0], b[1], b[2], b[3]), 5, 15);
        g.dispose();
        return png(img);
    }

    /**
     * Two panels on the same axes: the data (up to 4,000 points) on the left, the learned density exp(−E) as a heat
     * map with the chains over it on the right.
     */
    public static byte[] dataBesideDensity(EnergyModel m, Shard data, float[] chains, int nChains) throws IOException {
        return dataBesideDensity(m, data, chains, nChains, "data", "learned exp(-E) and chains");
    }

    /** The same with captions under the two panels (e.g. with the true and the learned mode weights). */
    public static byte[] dataBesideDensity(EnergyModel m, Shard data, float[] chains, int nChains, String dataCaption,
                                           String modelCaption) throws IOException {
        double[] b = bounds(data);
        int n = 300;
        BufferedImage right = ImageIO.read(new ByteArrayInputStream(density2d(m, b, chains, nChains)));
        BufferedImage img = new BufferedImage(2 * n + 10, n, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(colour(0)));
        g.fillRect(0, 0, n, n);
        g.setColor(Color.WHITE);
        g.fillRect(n, 0, 10, n);
        g.setColor(new Color(255, 210, 80, 150));
        int d = data.dim();
        int step = Math.max(1, data.rows() / 4000);
        for (int k = 0; k < data.rows(); k += step) {
            double x = (data.values()[k * d] - b[0]) / (b[1] - b[0]) * n;
            double y = n - 1 - (data.values()[k * d + 1] - b[2]) / (b[3] - b[2]) * n;
            g.fillOval((int) x - 1, (int) y - 1, 3, 3);
        }
        g.setColor(Color.WHITE);
        g.drawString(dataCaption, 5, n - 8);
        g.drawImage(right, n + 10, 0, null);
        g.drawString(modelCaption, n + 15, n - 8);
        g.dispose();
        return png(img);
    }

    /** A dark-blue → yellow colour ramp, t in [0, 1]. */
    private static int colour(double t) {
        t = Math.max(0, Math.min(1, t));
        int r = (int) (255 * Math.min(1, 1.6 * t));
        int gr = (int) (255 * t * t);
        int bl = (int) (255 * (0.35 + 0.4 * t * (1 - t)));
        return (r << 16) | (gr << 8) | bl;
    }

    private static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
