package org.sparkebm.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FastMathTest {
    @Test
    void expIsWithinThreeTenthsOfAMillionthOfTheDoublePrecisionValue() {
        SplittableRandom rng = new SplittableRandom(1);
        double worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            float x = (float) (rng.nextDouble() * 174 - 87);
            double want = Math.exp(x);
            double rel = Math.abs(FastMath.exp(x) - want) / want;
            worst = Math.max(worst, rel);
        }
        assertTrue(worst < 3e-7, "worst relative error " + worst);
        // the edges of the range and beyond
        assertEquals(1f, FastMath.exp(0f));
        assertEquals(Math.exp(-86.9f), FastMath.exp(-86.9f), 3e-7 * Math.exp(-86.9f));
        assertEquals(0f, FastMath.exp(-100f));
        assertEquals(Float.POSITIVE_INFINITY, FastMath.exp(100f));
        assertTrue(Float.isNaN(FastMath.exp(Float.NaN)));
    }

    @Test
    void sigmoidMatchesTheDoublePrecisionValue() {
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (rng.nextDouble() * 60 - 30);
            double want = 1 / (1 + Math.exp(-x));
            assertEquals(want, FastMath.sigmoid(x), 4e-7 * want, "x = " + x);
        }
        assertEquals(0f, FastMath.sigmoid(-200f));
        assertEquals(1f, FastMath.sigmoid(200f));
        assertEquals(0.5f, FastMath.sigmoid(0f));
    }
}
