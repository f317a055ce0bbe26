package org.sparkebm.spark.run;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkebm.core.config.ConfigException;
import org.sparkebm.core.config.IfExists;
import org.sparkebm.core.config.RunConfig;
import org.sparkebm.spark.io.HadoopFiles;

/** The run directory policy: {@code run.outputDir}/{@code run.name}, never overwritten ({@code run.ifExists}). */
public final class RunDirectory {
    private RunDirectory() {}

    /**
     * A prepared run directory, whether this process created it (then a failed start removes it), and whether it
     * also created its parent ({@code run.outputDir}), which then goes too if left empty.
     */
    public record Prepared(Path dir, boolean created, boolean createdParent) {}

    /**
     * Creates (or, with {@code run.ifExists=resume}, reuses) the run directory: an existing directory makes this
     * fail ({@code fail}) or picks name-2, name-3, … ({@code new}).
     *
     * @throws ConfigException the directory exists and {@code run.ifExists = fail}; nothing was changed
     */
    public static Prepared prepare(RunConfig cfg) throws IOException {
        Path parent = HadoopFiles.path(cfg.outputDir());
        FileSystem fs = HadoopFiles.fs(parent);
        Path dir = new Path(parent, cfg.name());
        if (fs.exists(dir) && cfg.ifExists() == IfExists.RESUME) {
            return new Prepared(dir, false, false);
        }
        boolean parentExisted = fs.exists(parent);
        if (fs.exists(dir)) {
            if (cfg.ifExists() == IfExists.FAIL) {
                throw new ConfigException("run directory " + dir + " already exists; nothing was changed. Choose another"
                        + " run.name, set run.ifExists=resume to continue it from its newest checkpoint, or run.ifExists=new to"
                        + " write to a new numbered directory");
            }
            for (int i = 2; fs.exists(dir); i++) {
                dir = new Path(parent, cfg.name() + "-" + i);
            }
        }
        // mkdirs of a fresh directory: a concurrent run that created it first makes this one fail below
        if (!fs.mkdirs(dir) || fs.listStatus(dir).length != 0) {
            throw new IOException("cannot create an empty run directory " + dir);
        }
        return new Prepared(dir, true, !parentExisted);
    }

    /**
     * After a failed start: removes a directory this process created unless a checkpoint in it was committed (then
     * the run can resume, and it stays). Returns whether it was removed.
     */
    public static boolean removeIfNothingCommitted(Prepared p) {
        if (!p.created()) {
            return false;
        }
        try {
            FileSystem fs = HadoopFiles.fs(p.dir());
            Path checkpoints = new Path(p.dir(), "checkpoints");
            if (fs.exists(checkpoints) && fs.globStatus(new Path(checkpoints, "*/_COMMITTED")).length > 0) {
                return false;
            }
            boolean removed = fs.delete(p.dir(), true);
            Path parent = p.dir().getParent();
            if (removed && p.createdParent() && fs.listStatus(parent).length == 0) {
                fs.delete(parent, false);
            }
            return removed;
        } catch (IOException e) {
            System.err.println("sparkebm: could not remove " + p.dir() + " after the failed start: " + e.getMessage());
            return false;
        }
    }
}
