package org.sparkebm.core.sampling;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.sparkebm.core.data.Shard;

/**
 * A device's persistent chains: {@code size} samples of length {@code dim}, stored row-major in fp32, bfloat16 or
 * 8 bits.
 *
 * <p>Each round a set of slots is drawn, their samples are read into a batch (with a fraction ρ re-initialised,
 * as in IGEBM/JEM/M-EBM), advanced by Langevin, and written back. The slot index is the chain id that seeds
 * the chain's noise. Copy with {@link #copy()} before writing if the old state must survive (Spark's cached
 * state RDD does).
 *
 * <p>Compact storage ({@code chains.storage}): the Langevin steps always run in fp32; only what is kept between
 * rounds is rounded. {@link Storage#BF16} keeps the top 16 bits of each float (round to nearest even: relative
 * error ≤ 2⁻⁸, half the memory); {@link Storage#U8} quantises the clamp range [lo, hi] to 256 levels (absolute
 * error ≤ (hi − lo)/510, a quarter of the memory; needs a finite sampler clamp). At W2 (10,000 × 784 per device)
 * that is 31.4 MB, 15.7 MB and 7.8 MB.
 */
public final class ReplayBuffer implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How samples are kept between rounds. */
    public enum Storage { FP32, BF16, U8 }

    private final int size;
    private final int dim;
    private final float[] samples;   // FP32
    private final short[] half;      // BF16
    private final byte[] quantised;  // U8
    private final Storage storage;
    private final float lo;
    private final float hi;

    private ReplayBuffer(int size, int dim, float[] samples, short[] half, byte[] quantised, Storage storage,
                         float lo, float hi) {
        this.size = size;
        this.dim = dim;
        this.samples = samples;
        this.half = half;
        this.quantised = quantised;
        this.storage = storage;
        this.lo = lo;
        this.hi = hi;
    }

    private ReplayBuffer(int size, int dim, float[] samples) {
        this(size, dim, samples, null, null, Storage.FP32, 0, 0);
    }

    /** A buffer filled from {@code init}, slot s drawn with {@code rngForSlot(s)}, kept in fp32. */
    public static ReplayBuffer create(int size, ChainInitializer init, Shard shard,
                                      IntFunction<SplittableRandom> rngForSlot) {
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

    /**
     * This buffer's samples in {@code storage} (a new buffer; this one is unchanged).
     *
     * @param lo, hi the range {@link Storage#U8} quantises (finite, lo &lt; hi); ignored otherwise
     */
    public ReplayBuffer withStorage(Storage storage, double lo, double hi) {
        float[] all = samples();
        switch (storage) {
            case FP32:
                return new ReplayBuffer(size, dim, all.clone());
            case BF16: {
                short[] h = new short[all.length];
                for (int i = 0; i < all.length; i++) {
                    h[i] = toBf16(all[i]);
                }
                return new ReplayBuffer(size, dim, null, h, null, storage, 0, 0);
            }
            default: {
                if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo < hi)) {
                    throw new IllegalArgumentException("8-bit chain storage needs a finite range, got [" + lo + ", " + hi + "]");
                }
                ReplayBuffer b = new ReplayBuffer(size, dim, null, null, new byte[all.length], storage, (float) lo, (float) hi);
                b.encode(all, 0, 0, all.length);
                return b;
            }
        }
    }

    /** Wraps existing samples in fp32 (taken over, not copied). */
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

    public Storage storage() {
        return storage == null ? Storage.FP32 : storage;
    }

    /**
     * The samples (row-major): the backing array in fp32 storage (read-only for callers that do not own this
     * buffer), else a decoded copy.
     */
    public float[] samples() {
        if (storage() == Storage.FP32) {
            return samples;
        }
        float[] out = new float[size * dim];
        decode(0, out, 0, out.length);
        return out;
    }

    /** A deep copy. */
    public ReplayBuffer copy() {
        return new ReplayBuffer(size, dim, samples == null ? null : samples.clone(), half == null ? null : half.clone(),
                quantised == null ? null : quantised.clone(), storage(), lo, hi);
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
            if (storage() == Storage.FP32) {
                System.arraycopy(samples, slots[r] * dim, out, r * dim, dim);
            } else {
                decode(slots[r] * dim, out, r * dim, dim);
            }
        }
    }

    /** Writes rows of {@code in} (read) back into {@code slots}, rounding them to the storage. */
    public void write(int[] slots, float[] in) {
        for (int r = 0; r < slots.length; r++) {
            if (storage() == Storage.FP32) {
                System.arraycopy(in, r * dim, samples, slots[r] * dim, dim);
            } else {
                encode(in, r * dim, slots[r] * dim, dim);
            }
        }
    }

    /** Heap bytes of the chain state. */
    public long memoryBytes() {
        return switch (storage()) {
            case FP32 -> 4L * samples.length;
            case BF16 -> 2L * half.length;
            case U8 -> quantised.length;
        };
    }

    private void encode(float[] in, int from, int to, int n) {
        if (storage() == Storage.BF16) {
            for (int i = 0; i < n; i++) {
                half[to + i] = toBf16(in[from + i]);
            }
            return;
        }
        float scale = 255f / (hi - lo);
        for (int i = 0; i < n; i++) {
            float v = Math.min(hi, Math.max(lo, in[from + i]));
            quantised[to + i] = (byte) Math.round((v - lo) * scale);
        }
    }

    private void decode(int from, float[] out, int to, int n) {
        if (storage() == Storage.BF16) {
            for (int i = 0; i < n; i++) {
                out[to + i] = Float.intBitsToFloat(half[from + i] << 16);
            }
            return;
        }
        float step = (hi - lo) / 255f;
        for (int i = 0; i < n; i++) {
            out[to + i] = lo + (quantised[from + i] & 0xff) * step;
        }
    }

    /** The top 16 bits of a float, rounded to nearest even (finite inputs). */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
