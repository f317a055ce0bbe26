package org.sparkebm.core.util;

import java.util.SplittableRandom;

/**
 * Derivation of every random seed in a run from the one run seed.
 *
 * <p>A seed is a pure function of (run seed, purpose, round, partition, chain), mixed through the SplitMix64
 * finaliser at every level so that nearby tuples give unrelated streams (unlike {@code seed ^ (step << 16) ^ i},
 * which collides). A retried or moved Spark task therefore redraws exactly the same noise.
 */
public final class Seeds {
    /** What a stream is used for; distinct purposes never share a stream. */
    public enum Purpose {
        LANGEVIN_NOISE, CHAIN_REINIT, POSITIVE_BATCH, CHAIN_SELECT, DEVICE_SELECT, DATA, MODEL_INIT, RESAMPLE, PRIVACY_NOISE,
        // appended (ordinals feed the seeds: never reorder)
        CLASSIFIER_BATCH, AUGMENT
    }

    private Seeds() {}

    /** SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static long step(long h, long v) {
        return mix64(h + 0x9e3779b97f4a7c15L + mix64(v));
    }

    /** Seed for (run, purpose, round, partition, chain). */
    public static long derive(long runSeed, Purpose purpose, long round, long partition, long chain) {
        long h = mix64(runSeed);
        h = step(h, purpose.ordinal() + 1L);
        h = step(h, round);
        h = step(h, partition);
        return step(h, chain);
    }

    /** A generator for (run, purpose, round, partition, chain). */
    public static SplittableRandom random(long runSeed, Purpose purpose, long round, long partition, long chain) {
        return new SplittableRandom(derive(runSeed, purpose, round, partition, chain));
    }
}
