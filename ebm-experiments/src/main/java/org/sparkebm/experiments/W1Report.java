package org.sparkebm.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code W1Report <runs dir> <results dir>}: the W1 table (learned p1 and means, mean and half-range over seeds,
 * per setting and method) as Markdown, and a PNG of p1 against iterations for PCD, CD and Jarzynski (XChart).
 * Run directories are named {@code p<P>-<method>[-<compressor>]-s<seed>} by {@code bench/w1-sweep.sh}.
 */
public final class W1Report {
    private W1Report() {}

    public static void main(String[] args) throws IOException {
        Path runs = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper();
        Map<String, List<double[]>> groups = new TreeMap<>();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(runs)) {
            dirs = s.filter(p -> Files.exists(p.resolve("summary.json"))).sorted().toList();
        }
        for (Path d : dirs) {
            String name = d.getFileName().toString();
            String key = name.replaceAll("-s\\d+$", "");
            JsonNode s = json.readTree(d.resolve("summary.json").toFile());
            double p1 = s.get("mode_weights").get(0).asDouble();
            double a1 = s.get("means").get(0).get(0).asDouble();
            double a2 = s.get("means").get(1).get(0).asDouble();
            double secs = s.get("seconds").asDouble();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {p1, a1, a2, secs});
        }
        StringBuilder md = new StringBuilder();
        md.append("# W1 `gmm50`: learned weight p1 of the mode at −10·e1 (true 0.25)\n\n")
                .append("8000 iterations, N = 10,000 walkers in total, ULA h = 0.1, lr 2.5e-3 (means) / 1.25e-2 (z); CD 10x.\n")
                .append("Produced by `bench/w1-sweep.sh runs/w1` then `bench/w1-report.sh runs/w1` (each run is the job on a\n")
                .append("`conf/gmm50*.properties` file with `run.engine=local`, bit-for-bit what Spark computes).\n\n")
                .append("| setting | seeds | p1 mean | p1 half-range | mean a1,1 | mean a2,1 | s/run |\n|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<double[]>> e : groups.entrySet()) {
            List<double[]> v = e.getValue();
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            double sum = 0;
            double a1 = 0;
            double a2 = 0;
            double secs = 0;
            for (double[] r : v) {
                min = Math.min(min, r[0]);
                max = Math.max(max, r[0]);
                sum += r[0];
                a1 += r[1];
                a2 += r[2];
                secs += r[3];
            }
            int n = v.size();
            md.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.2f | %.2f | %.0f |%n", e.getKey(), n,
                    sum / n, (max - min) / 2, a1 / n, a2 / n, secs / n));
        }
        md.append("\nSettings: `p1`/`p4` = 1 or 4 devices (N = 10,000 walkers split evenly); `topk10` = Top-k keeping 10% of\n")
                .append("δ^p (θ has d = 102 entries, so 1% would keep a single one); `blocksign16` = Block-Sign with blocks of 16;\n")
                .append("both with error feedback, on the data and on the weighted model part. Jarzynski uses c = 1.0 and\n")
                .append("island resampling, except `global` (`jarzynski.resampling = global`: offspring drawn from all walkers\n")
                .append("together, surplus walkers moved between devices). The `s/run` of different sessions are not comparable (the\n")
                .append("machine was shared). Seeds: 5 for Jarzynski with P = 1 and 4; fewer for the rest (3 for PCD/CD with P = 1, 1 for\n")
                .append("PCD/CD with P = 4, 2 per compressor) to fit the session's CPU time (~5 min per 8,000-iteration run on 2 cores).\n")
                .append("Reference (W1 in docs/workloads.md): PCD → 0.0001, CD 0.47, Jarzynski 0.246 (c = 1.0).\n");
        Files.writeString(out.resolve("w1.md"), md.toString());
        XYChart chart = new XYChartBuilder().width(900).height(500).title("W1 gmm50: learned p1 (true 0.25), P = 1, seed 1")
                .xAxisTitle("iteration").yAxisTitle("p1").build();
        for (String m : new String[] {"pcd", "cd", "jarzynski"}) {
            Path csv = runs.resolve("p1-" + m + "-s1").resolve("metrics.csv");
            if (!Files.exists(csv)) {
                continue;
            }
            List<String> lines = Files.readAllLines(csv);
            String[] header = lines.get(0).split(",");
            int col = Arrays.asList(header).indexOf("mode_weights");
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 1; i < lines.size(); i += 20) {
                String[] f = lines.get(i).split(",", -1);
                xs.add(Double.parseDouble(f[0]));
                ys.add(Double.parseDouble(f[col].split(";")[0]));
            }
            chart.addSeries(m.toUpperCase(Locale.ROOT), xs, ys).setMarker(SeriesMarkers.NONE);
        }
        chart.addSeries("true p1", List.of(0.0, 8000.0), List.of(0.25, 0.25)).setMarker(SeriesMarkers.NONE);
        BitmapEncoder.saveBitmap(chart, out.resolve("w1-p1.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.print(md);
    }
}
