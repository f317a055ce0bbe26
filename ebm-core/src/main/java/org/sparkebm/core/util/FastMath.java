package org.sparkebm.core.util;

/**
 * fp32 exp and sigmoid without a call into {@code StrictMath}: the W2 step spends ≈ 11 ms of ≈ 58 in libnd4j's
 * scalar sigmoid (docs/results/performance.md), and the JDK's {@code Math.exp} works in double precision. Neither
 * ND4J nor the JDK (outside the incubating Vector API) offers a faster fp32 exp, so this is written here.
 *
 * <p>exp(x) = 2ⁿ·exp(r) with n = round(x / ln 2) and r = x − n·ln 2 (|r| ≤ ln 2 / 2, ln 2 split in two parts so r
 * is exact to fp32), exp(r) by its degree-6 Taylor polynomial (truncation below 1.3e-7 relative) and 2ⁿ built
 * from the exponent bits. Relative error within 3e-7 for |x| ≤ 87 (a test checks it against {@link Math#exp});
 * below −87 the result is 0, above 88 it is +∞, as fp32 exp would underflow and overflow there.
 */
public final class FastMath {
    private FastMath() {}

    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145752f;      // the top 16 bits of ln 2, so n·LN2_HI is exact
    private static final float LN2_LO = 1.42860677e-6f;    // ln 2 − LN2_HI

    /** e^x in fp32 (see the class comment for the accuracy). */
    public static float exp(float x) {
        if (x < -87f) {
            return 0f;
        }
        if (x > 88f) {
            return Float.POSITIVE_INFINITY;
        }
        float n = Math.round(x * LOG2E);
        float r = (x - n * LN2_HI) - n * LN2_LO;
        float p = 1f + r * (1f + r * (0.5f + r * (1f / 6 + r * (1f / 24 + r * (1f / 120 + r * (1f / 720))))));
        int e = (int) n;
        if (e < -126) { // 2ⁿ is subnormal: scale in two steps
            return p * Float.intBitsToFloat((e + 127 + 64) << 23) * 0x1p-64f;
        }
        return p * Float.intBitsToFloat((e + 127) << 23);
    }

    /** 1 / (1 + e^−x) in fp32: 0 below −87, 1 above 17 (where fp32 rounds it to 1). */
    public static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }
}
