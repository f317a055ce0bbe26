package org.sparkebm.spark.engine;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;
import org.sparkebm.core.train.DeltaAggregator;

/**
 * Lets the job run where {@code spark.serializer} is Kryo (a common cluster default). Spark 3.5 ships Kryo 4,
 * whose field serializer cannot read Java records ("can't get field offset on a record class"), and the project's
 * device states, results, data shards, walkers and configs are records: they, and the aggregator (whose compact
 * {@code Wire} form is reached through {@code writeReplace}), are serialised with Java serialisation inside Kryo.
 * Everything else (θ as {@code float[]}, Spark's own types) stays with Kryo. Measured in
 * {@code docs/results/performance.md}: no gain over the default serializer for this job.
 */
public final class KryoRegistration implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
        kryo.addDefaultSerializer(DeltaAggregator.class, JavaSerializer.class);
    }

    /** Adds this registrator to {@code spark.kryo.registrator} when {@code conf} uses Kryo (keeps any others). */
    static SparkConf register(SparkConf conf) {
        if (conf.get("spark.serializer", "").contains("Kryo")) {
            String mine = KryoRegistration.class.getName();
            String others = conf.get("spark.kryo.registrator", "");
            if (!others.contains(mine)) {
                conf.set("spark.kryo.registrator", others.isEmpty() ? mine : others + "," + mine);
            }
        }
        return conf;
    }
}
