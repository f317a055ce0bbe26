package org.sparkebm.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkebm.core.train.DriverCheckpoint;

/** Checkpoint parts round-trip, a damaged part is refused, and parts written before a class moved still read. */
class CheckpointCodecTest {
    static DriverCheckpoint driver() {
        return new DriverCheckpoint(7, new float[] {1.5f, -2f}, new float[] {0.25f}, true, 0.5, 1, List.of(),
                new double[] {0.1, 0.2}, Map.of("run.name", "t", "spark.checkpointEvery", "20"), 4);
    }

    @Test
    void roundTripsAndRefusesDamage() throws IOException {
        byte[] b = CheckpointCodec.encode(driver());
        DriverCheckpoint back = CheckpointCodec.decode(b, DriverCheckpoint.class, "test");
        assertEquals(7, back.nextRound());
        assertArrayEquals(new float[] {1.5f, -2f}, back.theta());
        byte[] cut = java.util.Arrays.copyOf(b, b.length / 2);
        assertThrows(IOException.class, () -> CheckpointCodec.decode(cut, DriverCheckpoint.class, "cut"));
    }

    @Test
    void readsTheDriverPartWrittenBeforeItsClassMoved() throws IOException {
        byte[] now = CheckpointCodec.encode(driver());
        // the same stream as an older build wrote it: the class named in its old package (length-prefixed UTF)
        byte[] old = replaceUtf(now, DriverCheckpoint.class.getName(), "org.sparkebm.core." + "checkpoint.DriverCheckpoint");
        assertTrue(old.length > now.length, "the old name is in the stream: " + old.length + " vs " + now.length);
        DriverCheckpoint back = CheckpointCodec.decode(old, DriverCheckpoint.class, "old");
        assertEquals(7, back.nextRound());
        assertEquals(0.5, back.lrMultiplier());
        // and its config, written before spark.checkpointEvery was renamed, compares equal to today's
        assertTrue(CheckpointCodec.configDifferences(back.config(),
                Map.of("run.name", "t", "spark.rddCheckpointEvery", "20")).isEmpty());
    }

    private static byte[] replaceUtf(byte[] bytes, String from, String to) {
        byte[] f = utf(from);
        byte[] t = utf(to);
        for (int i = 0; i + f.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + f.length, f, 0, f.length)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(bytes, 0, i);
                out.write(t, 0, t.length);
                out.write(bytes, i + f.length, bytes.length - i - f.length);
                return out.toByteArray();
            }
        }
        throw new AssertionError(from + " not in the stream");
    }

    /** Java serialisation's modified UTF-8 of an ASCII string: two bytes of length, then the bytes. */
    private static byte[] utf(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[b.length + 2];
        out[0] = (byte) (b.length >> 8);
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }
}
