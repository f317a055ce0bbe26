package org.sparkebm.spark.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Tick labels people can read, and a grid of two panels a row. */
class CurvesTest {
    @Test
    void logAxisLabelsAreCompactNumbers() {
        assertEquals("0.05", Curves.compact(0.05));
        assertEquals("2.5", Curves.compact(2.5));
        assertEquals("800", Curves.compact(800.0));
        assertEquals("12.3k", Curves.compact(12345.0));
        assertEquals("70k", Curves.compact(70000.0));
        assertEquals("3.4M", Curves.compact(3.4e6));
        assertEquals("1.02G", Curves.compact(1.024e9));
    }

    @Test
    void panelsFillAGridOfTwoPerRow() throws Exception {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            x.add((double) i);
            y.add(1000.0 + i);
        }
        List<Curves.Panel> panels = List.of(new Curves.Panel("a", "y", false, List.of(new Curves.Series("s", y))),
                new Curves.Panel("b", "y (log)", true, List.of(new Curves.Series("s", y))),
                new Curves.Panel("c", "y", false, List.of(new Curves.Series("s", y))));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Curves.png(x, panels)));
        assertEquals(2 * Curves.W, img.getWidth());
        assertEquals(2 * Curves.H, img.getHeight());
        assertEquals(300.0, x.get(299), "the caller's rounds are not changed");
    }
}
