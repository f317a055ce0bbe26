package org.sparkebm.spark.engine;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.collection.Iterator;

/**
 * Counts the bytes Spark actually moved for device results: the serialized task result sizes of each round's jobs
 * (job group {@code round-<t>}), what reaches the driver, and the shuffle bytes they wrote. Listener events arrive asynchronously, so a round's
 * figure is complete once its jobs have ended; the job reads it at the end of the run.
 */
public final class ResultSizeListener extends SparkListener {
    private final Map<Integer, Integer> stageToRound = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> bytesByRound = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> shuffleByRound = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
        Properties p = jobStart.properties();
        String group = p == null ? null : p.getProperty("spark.jobGroup.id");
        if (group == null || !group.startsWith("round-")) {
            return;
        }
        int round = Integer.parseInt(group.substring("round-".length()));
        Iterator<Object> it = jobStart.stageIds().iterator();
        while (it.hasNext()) {
            stageToRound.put((Integer) it.next(), round);
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        Integer round = stageToRound.get(taskEnd.stageId());
        if (round == null || taskEnd.taskMetrics() == null) {
            return;
        }
        bytesByRound.computeIfAbsent(round, r -> new AtomicLong()).addAndGet(taskEnd.taskMetrics().resultSize());
        long shuffled = taskEnd.taskMetrics().shuffleWriteMetrics().bytesWritten();
        if (shuffled > 0) {
            shuffleByRound.computeIfAbsent(round, r -> new AtomicLong()).addAndGet(shuffled);
        }
    }

    /** Shuffle bytes written by round t's tasks (the reduce-scatter's pieces; global resampling's walkers); 0 if none. */
    public long shuffleBytes(int round) {
        AtomicLong a = shuffleByRound.get(round);
        return a == null ? 0 : a.get();
    }

    /** Result bytes of round t's tasks seen so far (-1 if none yet). */
    public long bytes(int round) {
        AtomicLong a = bytesByRound.get(round);
        return a == null ? -1 : a.get();
    }
}
