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
     * reconstructed through the run's {@code data.projection} when it has one; null when they are not images of
     * 1 (grey), 3 (RGB) or 4 (RGBA) channels.
     */
    public static Shown images(RunConfig cfg, int[] shape, float[] samples, int n) {
        float[] x = samples;
        if (cfg.data().projection() != null) {
            PcaProjection p = PcaProjection.read(cfg.data().projection());
            shape = p.sourceShape();
            x = p.reconstruct(samples, n);
        }
        boolean image = shape.length == 3 && (shape[0] == 1 || shape[0] == 3 || shape[0] == 4);
        return image ? new Shown(x, shape[1], shape[2], shape[0]) : null;
    }

    /** Images of {@code c} channels (C, H, W order), {@code h × w} each. */
    public record Shown(float[] pixels, int h, int w, int c) {
        /** A grid of the first {@code n} of them, {@code cols} a row. */
        public byte[] grid(int n, int cols) throws IOException {
            return imageGrid(pixels, n, h, w, cols, c);
        }

        /** The same, 8 a row. */
        public byte[] grid(int n) throws IOException {
            return grid(n, Math.min(8, n));
        }
    }

    /** A grid of grey image samples ({@code [n, H·W]} row-major, values in [−1, 1]), 8 per row, 2x scale. */
    public static byte[] imageGrid(float[] samples, int n, int h, int w) throws IOException {
        return imageGrid(samples, n, h, w, Math.min(8, n), 1);
    }

    /**
     * A grid of image samples ({@code [n, C·H·W]} row-major, values in [−1, 1]), {@code cols} per row, 2x scale:
     * grey for one channel, colour from the first three of 3 or 4 (R, G, B; alpha not drawn).
     */
    public static byte[] imageGrid(float[] samples, int n, int h, int w, int cols, int c) throws IOException {
        int rows = (n + cols - 1) / cols;
        int scale = 2;
        int pad = 2;
        BufferedImage img = new BufferedImage(cols * (w * scale + pad) + pad, rows * (h * scale + pad) + pad,
                c >= 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        int hw = h * w;
        for (int k = 0; k < n; k++) {
            int ox = pad + (k % cols) * (w * scale + pad);
            int oy = pad + (k / cols) * (h * scale + pad);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int at = k * c * hw + y * w + x;
                    int r = pixel(samples[at]);
                    int rgb = c >= 3 ? (r << 16) | (pixel(samples[at + hw]) << 8) | pixel(samples[at + 2 * hw])
                            : (r << 16) | (r << 8) | r;
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

    private static int pixel(float v) {
        return Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
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
