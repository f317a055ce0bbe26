package org.sparkebm.core.train;

import java.io.IOException;
import java.io.Serializable;

/**
 * Where the devices' states of one checkpoint are kept. Serializable so that a distributed engine can hand it to
 * the tasks that own the states: each device writes and reads its own state, and no state passes through the
 * driver.
 */
public interface DeviceStore extends Serializable {
    /**
     * Writes device {@code device}'s state (read only).
     *
     * @return the manifest entry of what was written: {file name, size in bytes, CRC32}
     */
    String[] write(int device, DeviceState state) throws IOException;

    /** Reads device {@code device}'s state. */
    DeviceState read(int device) throws IOException;
}
