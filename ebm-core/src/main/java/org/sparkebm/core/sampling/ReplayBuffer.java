package org.sparkebm.core.sampling;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A device's persistent chains: {@code size} samples of length {@code dim}, stored row-major in fp32.
 *
 * <p>Each round a set of slots is drawn, their samples are read into a batch (with a fraction ρ re-initialised,
 * as in IGEBM/JEM/M-EBM), advanced by Langevin, and written back. The slot index is the chain id that seeds
 * the chain's noise. Copy with {@link #copy()} before writing if the old state must survive (Spark's cached
 * state RDD does).
 */
public final class ReplayBuffer implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int size;
    private final int dim;
    private final float[] samples;

    private ReplayBuffer(int size, int dim, float[] samples) {
        this.size = size;
        this.dim = dim;
        this.samples = samples;
    }

    /** A buffer filled from {@code init}, slot s drawn with {@code rngForSlot(s)}. */
    public static ReplayBuffer create(int size, ChainInitializer init, org.sparkebm.core.data.Dataset shard,
                                      java.util.function.IntFunction<SplittableRandom> rngForSlot) {
        if (size < 1) {
            throw new IllegalArgumentException("replay buffer size must be >= 1, got " + size);
        }
        int d = init.dim();
        float[] s = new float[Math.multiplyExact(size, d)];
        for (int i = 0; i < size; i++) {
            init.draw(s, i * d, shard, rngForSlot.apply(i));
        }
        return new ReplayBuffer(size, d, s);
    }

    /** Wraps existing samples (taken over, not copied). */
    public static ReplayBuffer of(int size, int dim, float[] samples) {
        if ((long) size * dim != samples.length) {
            throw new IllegalArgumentException("buffer of " + size + " x " + dim + " given " + samples.length + " floats");
        }
        return new ReplayBuffer(size, dim, samples);
    }

    public int size() {
        return size;
    }

    public int dim() {
        return dim;
    }

    /** The backing array (row-major); read-only for callers that do not own this buffer. */
    public float[] samples() {
        return samples;
    }

    /** A deep copy. */
    public ReplayBuffer copy() {
        return new ReplayBuffer(size, dim, samples.clone());
    }

    /**
     * Distinct slots for this round: all of them in order when {@code count >= size}, else a uniform draw without
     * replacement (partial Fisher-Yates), sorted.
     */
    public int[] chooseSlots(int count, SplittableRandom rng) {
        if (count >= size) {
            int[] all = new int[size];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] perm = new int[size];
        Arrays.setAll(perm, i -> i);
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(size - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] slots = Arrays.copyOf(perm, count);
        Arrays.sort(slots);
        return slots;
    }

    /** Copies the samples of {@code slots} into {@code out} (written, {@code slots.length * dim}). */
    public void read(int[] slots, float[] out) {
        for (int r = 0; r < slots.length; r++) {
            System.arraycopy(samples, slots[r] * dim, out, r * dim, dim);
        }
    }

    /** Writes rows of {@code in} (read) back into {@code slots}. */
    public void write(int[] slots, float[] in) {
        for (int r = 0; r < slots.length; r++) {
            System.arraycopy(in, r * dim, samples, slots[r] * dim, dim);
        }
    }

    /** Approximate heap bytes of the chain state. */
    public long memoryBytes() {
        return 4L * samples.length;
    }
}
