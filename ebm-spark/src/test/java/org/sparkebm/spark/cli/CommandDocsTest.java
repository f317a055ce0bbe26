package org.sparkebm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/commands.md is current, and every command refuses bad arguments before starting any work. */
class CommandDocsTest {
    @Test
    void commandsMdIsGeneratedFromTheCode() throws Exception {
        assertEquals(CommandDocs.markdown(), Files.readString(Path.of("..", "docs", "commands.md")),
                "docs/commands.md is stale: java -cp ebm-spark/target/classes:ebm-core/target/classes"
                        + " org.sparkebm.spark.cli.CommandDocs > docs/commands.md");
    }

    @Test
    void missingArgumentsOrAnUnknownOptionGiveExitCodeTwo() {
        assertEquals(ExitCode.BAD_CONFIG, TrainJob.run(new String[0]));
        assertEquals(ExitCode.BAD_CONFIG, ScoreJob.run(new String[] {"model"}));
        assertEquals(ExitCode.BAD_CONFIG, SampleJob.run(new String[0]));
        assertEquals(ExitCode.BAD_CONFIG, OodEval.run(new String[] {"m"}));
        assertEquals(ExitCode.BAD_CONFIG, MakeTabular.run(new String[0]));
        assertEquals(ExitCode.BAD_CONFIG, ScoreJob.run(new String[] {"m", "in", "out", "colour=blue"}));
        assertEquals(ExitCode.BAD_CONFIG, SampleJob.run(new String[] {"m", "out", "init=magic"}));
        assertEquals(ExitCode.BAD_CONFIG, MakeTabular.run(new String[] {"out", "fraction=1.5"}));
    }
}
