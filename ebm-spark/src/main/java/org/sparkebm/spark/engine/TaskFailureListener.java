package org.sparkebm.spark.engine;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Keeps the first exception a task failed with. When a task dies of an error that takes Spark down with it (a
 * {@code StackOverflowError}, an {@code OutOfMemoryError}), what reaches the driver's code afterwards is shutdown
 * noise (a stopped context, a missing endpoint); this is the cause to report instead.
 */
public final class TaskFailureListener extends SparkListener {
    /** The class name of the first exception a task failed with. */
    private final AtomicReference<String> first = new AtomicReference<>();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (taskEnd.reason() instanceof ExceptionFailure f) {
            first.compareAndSet(null, f.className());
        }
    }

    /**
     * The class name of the first exception a task failed with, waiting up to {@code waitMillis} for Spark's
     * listener bus to deliver it; or null.
     */
    public String first(long waitMillis) {
        long end = System.currentTimeMillis() + waitMillis;
        while (first.get() == null && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return first.get();
    }
}
