package org.sparkebm.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * {@code ScalingReport <runs dir> <results dir>}: the tables and plots of {@code bench/scaling.sh}: W2 rounds/s
 * against the partition count (from each run's {@code metrics.csv}, rounds after the first) and the aggregation's
 * time against d (JMH's CSV).
 */
public final class ScalingReport {
    private ScalingReport() {}

    public static void main(String[] args) throws IOException {
        Path runs = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder("# Scaling\n\nProduced by `bench/scaling.sh`.\n\n")
                .append("## W2 rounds/s against the number of partitions\n\n")
                .append("Fixed total batch per round (256 data + 256 chains, buffer 10,000 in total, split evenly over P\n")
                .append("devices), Spark local[2] (2 task slots), rounds 2-4 of 4.\n\n")
                .append("| P | per device batch | rounds/s | longest device step (s) | outside the device steps (s) |\n|---|---|---|---|---|\n");
        List<Double> ps = new ArrayList<>();
        List<Double> rps = new ArrayList<>();
        for (int p : new int[] {1, 2, 4, 8}) {
            Path csv = runs.resolve("p" + p).resolve("metrics.csv");
            if (!Files.exists(csv)) {
                continue;
            }
            List<String> lines = Files.readAllLines(csv);
            List<String> cols = List.of(lines.get(0).split(","));
            double sec = 0;
            double dev = 0;
            double outside = 0;
            int n = 0;
            for (String row : lines.subList(2, lines.size())) {
                String[] f = row.split(",", -1);
                sec += Double.parseDouble(f[cols.indexOf("round_seconds")]);
                dev += Double.parseDouble(f[cols.indexOf("device_seconds")]);
                outside += Double.parseDouble(f[cols.indexOf("outside_seconds")]);
                n++;
            }
            md.append(String.format(Locale.ROOT, "| %d | %d | %.3f | %.2f | %.3f |%n", p, 256 / p, n / sec, dev / n, outside / n));
            ps.add((double) p);
            rps.add(n / sec);
        }
        XYChart a = new XYChartBuilder().width(700).height(420).title("W2: rounds/s against partitions (fixed total batch)")
                .xAxisTitle("partitions P").yAxisTitle("rounds/s").build();
        if (!ps.isEmpty()) {
            a.addSeries("local[2]", ps, rps);
        }
        BitmapEncoder.saveBitmap(a, out.resolve("scaling-partitions.png").toString(), BitmapEncoder.BitmapFormat.PNG);

        md.append("\n## Aggregation alone against d\n\nJMH `AggregationBench.aggregateAndAverage`: fold 4 encoded device updates into a\n")
                .append("`DeltaAggregator` and decode-average them (what the driver does per round), one thread, ms per round.\n\n")
                .append("| d | none | Top-k 1% | Block-Sign(256) |\n|---|---|---|---|\n");
        Map<String, TreeMap<Integer, Double>> series = new TreeMap<>();
        Path jmh = runs.resolve("aggregation.csv");
        if (Files.exists(jmh)) {
            List<String> lines = Files.readAllLines(jmh);
            List<String> cols = List.of(lines.get(0).replace("\"", "").split(","));
            for (String row : lines.subList(1, lines.size())) {
                String[] f = row.replace("\"", "").split(",", -1);
                String comp = f[cols.indexOf("Param: compressor")];
                int d = Integer.parseInt(f[cols.indexOf("Param: d")]);
                series.computeIfAbsent(comp, k -> new TreeMap<>()).put(d, Double.parseDouble(f[cols.indexOf("Score")]));
            }
        }
        XYChart b = new XYChartBuilder().width(700).height(420).title("Aggregation of 4 device updates against d")
                .xAxisTitle("d (parameters)").yAxisTitle("ms per round").build();
        b.getStyler().setXAxisLogarithmic(true);
        b.getStyler().setYAxisLogarithmic(true);
        TreeMap<Integer, Double> none = series.getOrDefault("none", new TreeMap<>());
        for (int d : none.keySet()) {
            md.append(String.format(Locale.ROOT, "| %,d | %.3f | %.3f | %.3f |%n", d, none.get(d),
                    series.getOrDefault("topk1", new TreeMap<>()).getOrDefault(d, Double.NaN),
                    series.getOrDefault("blocksign256", new TreeMap<>()).getOrDefault(d, Double.NaN)));
        }
        for (Map.Entry<String, TreeMap<Integer, Double>> e : series.entrySet()) {
            b.addSeries(e.getKey(), new ArrayList<>(e.getValue().keySet().stream().map(Integer::doubleValue).toList()),
                    new ArrayList<>(e.getValue().values()));
        }
        BitmapEncoder.saveBitmap(b, out.resolve("scaling-d.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        Files.writeString(out.resolve("scaling.md"), md.toString());
        System.out.print(md);
    }
}
