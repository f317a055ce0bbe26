package org.sparkebm.spark.data;

import org.apache.spark.Partitioner;

/** Routes a record keyed by its device (an {@code Integer} in [0, devices)) to that device's partition. */
public final class DevicePartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int devices;

    public DevicePartitioner(int devices) {
        this.devices = devices;
    }

    @Override
    public int numPartitions() {
        return devices;
    }

    @Override
    public int getPartition(Object key) {
        return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DevicePartitioner d && d.devices == devices;
    }

    @Override
    public int hashCode() {
        return devices;
    }
}
