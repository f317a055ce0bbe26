package org.sparkebm.experiments;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report generators on run directories with known contents: the tables carry the values they must compute. */
class ReportsTest {
    @TempDir
    Path tmp;

    private static void summary(Path dir, double p1, double a1, double a2, double seconds, String privacy)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.json"), String.format(Locale.ROOT,
                "{\"mode_weights\": [%s, %s], \"means\": [[%s, 0], [%s, 0]], \"seconds\": %s,"
                        + " \"final\": {\"energy_pos\": -1.0, \"energy_neg\": 0.5}%s}",
                p1, 1 - p1, a1, a2, seconds, privacy == null ? "" : ", \"privacy\": " + privacy));
    }

    private static void assertPng(Path p) throws IOException {
        assertTrue(ImageIO.read(p.toFile()).getWidth() > 100, p + " is a picture");
    }

    @Test
    void w1ReportAveragesSeedsPerSetting() throws IOException {
        Path runs = tmp.resolve("runs");
        summary(runs.resolve("p1-jarzynski-s1"), 0.20, -10.0, 10.0, 100, null);
        summary(runs.resolve("p1-jarzynski-s2"), 0.30, -9.0, 11.0, 300, null);
        summary(runs.resolve("p1-pcd-s1"), 0.01, -8.0, 8.0, 50, null);
        Files.writeString(runs.resolve("p1-pcd-s1/metrics.csv"), "round,mode_weights\n0,0.5;0.5\n");
        Path out = tmp.resolve("out");
        W1Report.main(new String[] {runs.toString(), out.toString()});
        String md = Files.readString(out.resolve("w1.md"));
        // mean 0.25, half-range 0.05, means -9.5 / 10.5, 200 s per run
        assertTrue(md.contains("| p1-jarzynski | 2 | 0.2500 | 0.0500 | -9.50 | 10.50 | 200 |"), md);
        assertTrue(md.contains("| p1-pcd | 1 | 0.0100 | 0.0000 | -8.00 | 8.00 | 50 |"), md);
        assertPng(out.resolve("w1-p1.png"));
    }

    @Test
    void scalingReportReadsRoundTimesAfterTheFirstRound() throws IOException {
        Path runs = tmp.resolve("runs");
        Files.createDirectories(runs.resolve("p2"));
        // round 0 is skipped (warm-up); rounds 1-2: 0.5 s each → 2 rounds/s, device 0.2 s, outside 0.1 s
        Files.writeString(runs.resolve("p2/metrics.csv"), "round,round_seconds,device_seconds,outside_seconds\n"
                + "0,9.0,9.0,9.0\n1,0.5,0.2,0.1\n2,0.5,0.2,0.1\n");
        Files.writeString(runs.resolve("aggregation.csv"), "\"Benchmark\",\"Score\",\"Param: compressor\",\"Param: d\"\n"
                + "\"agg\",1.5,\"none\",1000\n\"agg\",0.5,\"topk1\",1000\n\"agg\",0.25,\"blocksign256\",1000\n");
        Path out = tmp.resolve("out");
        ScalingReport.main(new String[] {runs.toString(), out.toString()});
        String md = Files.readString(out.resolve("scaling.md"));
        assertTrue(md.contains("| 2 | 128 | 2.000 | 0.20 | 0.100 |"), md);
        assertTrue(md.contains("| 1,000 | 1.500 | 0.500 | 0.250 |"), md);
        assertPng(out.resolve("scaling-partitions.png"));
        assertPng(out.resolve("scaling-d.png"));
    }

    @Test
    void privacyReportTabulatesEpsilonAgainstTheWeightError() throws IOException {
        Path runs = tmp.resolve("runs");
        summary(runs.resolve("a-nodp"), 0.26, -10, 10, 1, null);
        summary(runs.resolve("b-sigma1"), 0.27, -10, 10, 1, "{\"noise_multiplier\": 1.0, \"epsilon\": 8.0}");
        summary(runs.resolve("c-sigma4"), 0.45, -10, 10, 1, "{\"noise_multiplier\": 4.0, \"epsilon\": 1.5}");
        Path out = tmp.resolve("out");
        PrivacyReport.main(new String[] {"gmm50", runs.toString(), out.toString()});
        String md = Files.readString(out.resolve("privacy-gmm50.md"));
        assertTrue(md.contains("| b-sigma1 | 1.0 | 8.00 | 0.2700 | 0.0200 |"), md);
        assertTrue(md.contains("- ε = 1.5: training failed"), md);
        assertTrue(md.contains("- ε = 8.0: p1 within 0.03 of 0.25"), md);
        assertTrue(md.contains("Non-private error: 0.0100"), md);
        assertPng(out.resolve("privacy-gmm50.png"));
    }
}
