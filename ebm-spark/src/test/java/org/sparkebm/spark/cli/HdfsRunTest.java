package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job reads IDX data from hdfs:// and writes its whole run directory to hdfs:// (MiniDFSCluster); tables are
 * generated, trained on and scored on hdfs:// through Spark's Parquet reader and writer.
 */
@Tag("slow")
class HdfsRunTest {
    @TempDir
    Path tmp;

    @Test
    void trainsFromAndToHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set("hdfs.minidfs.basedir", tmp.resolve("dfs").toString());
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        try {
            cluster.waitActive();
            FileSystem fs = cluster.getFileSystem();
            String root = "hdfs://localhost:" + cluster.getNameNodePort();
            org.apache.hadoop.fs.Path images = new org.apache.hadoop.fs.Path(root + "/data/images.gz");
            try (OutputStream out = new GZIPOutputStream(fs.create(images))) {
                int n = 40;
                ByteBuffer b = ByteBuffer.allocate(16 + n * 784);
                b.putInt(2051).putInt(n).putInt(28).putInt(28);
                java.util.SplittableRandom r = new java.util.SplittableRandom(1);
                for (int i = 0; i < n * 784; i++) {
                    b.put((byte) r.nextInt(256));
                }
                out.write(b.array());
            }
            Path c = tmp.resolve("hdfs.properties");
            Files.writeString(c, String.join("\n", "run.name = on-hdfs", "run.rounds = 3", "devices.count = 2",
                    "data.source = idx", "data.path = " + images, "run.outputDir = " + root + "/runs",
                    "model.type = mlp", "model.hidden = 16", "train.batch = 8", "train.chains = 8",
                    "chains.buffer = 16", "chains.init = gaussian", "chains.gaussian.covariance = diagonal",
                    "sampler.type = sgld", "sampler.steps = 2", "sampler.stepSize = 1", "sampler.gradClip = 0.03",
                    "sampler.clampMin = -1", "sampler.clampMax = 1", "compress.type = topk", "compress.density = 0.05",
                    "spark.master = local[2]", "spark.rddCheckpointEvery = 2"));
            assertEquals(ExitCode.OK, TrainJob.run(new String[] {c.toString()}));
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(root + "/runs/on-hdfs");
            for (String f : new String[] {"manifest.json", "metrics.csv", "summary.json", "model.bin", "samples.png"}) {
                assertTrue(fs.getFileStatus(new org.apache.hadoop.fs.Path(dir, f)).getLen() > 0, f);
            }
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(dir, "spark-checkpoints")), "state checkpoints on HDFS");
            // a rerun refuses and leaves the HDFS run directory as it was
            long len = fs.getFileStatus(new org.apache.hadoop.fs.Path(dir, "model.bin")).getLen();
            assertEquals(ExitCode.BAD_CONFIG, TrainJob.run(new String[] {c.toString()}));
            assertEquals(len, fs.getFileStatus(new org.apache.hadoop.fs.Path(dir, "model.bin")).getLen());

            // tables through Spark's readers and writers on HDFS: generate, train on Parquet, score to Parquet
            assertEquals(ExitCode.OK, MakeTabular.run(new String[] {root + "/tab", "rows=400", "dim=3",
                    "master=local[2]"}));
            Path tc = tmp.resolve("tab.properties");
            Files.writeString(tc, String.join("\n", "run.name = tab", "run.rounds = 3", "devices.count = 2",
                    "data.source = parquet", "data.path = " + root + "/tab/train.parquet", "data.columns = f0,f1,f2",
                    "data.standardize = true", "run.outputDir = " + root + "/runs", "model.type = mlp",
                    "model.hidden = 8", "train.batch = 16", "train.chains = 16", "chains.buffer = 32",
                    "chains.init = gaussian", "sampler.steps = 2", "spark.master = local[2]"));
            assertEquals(ExitCode.OK, TrainJob.run(new String[] {tc.toString()}));
            assertEquals(ExitCode.OK, ScoreJob.run(new String[] {root + "/runs/tab", root + "/tab/test.parquet",
                    root + "/scores.parquet", "label=label", "master=local[2]"}));
            assertTrue(fs.getFileStatus(new org.apache.hadoop.fs.Path(root + "/scores.parquet/_metrics.json")).getLen() > 0);
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(root + "/scores.parquet/_SUCCESS")));
        } finally {
            cluster.shutdown();
        }
    }
}
