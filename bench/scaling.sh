#!/usr/bin/env bash
# Scaling:
#  (a) W2 rounds/s against the number of partitions P = 1, 2, 4, 8 at a fixed total batch (256 data + 256 chains
#      per round, split evenly; replay buffer 10,000 in total), Spark local[2], 4 rounds each (the first not timed);
#  (b) the driver's aggregation alone against d = 10^4, 10^5, 10^6 (JMH AggregationBench, 4 devices).
#   bench/scaling.sh [outdir]   → docs/results/scaling.md, scaling-partitions.png, scaling-d.png
# Needs dataset-fashion-mnist.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/runs/scaling}"
mkdir -p "$out"
for p in 1 2 4 8; do
  if [ ! -f "$out/p$p/summary.json" ]; then
    "$here/submit/run-local.sh" "$here/conf/fmnist-conv.properties" run.rounds=4 run.logEvery=1 spark.master='local[2]' \
      run.outputDir="$out" run.name="p$p" run.ifExists=fail checkpoint.every=100000 devices.count=$p \
      train.batch=$((256 / p)) train.chains=$((256 / p)) chains.buffer=$((10000 / p)) > "$out/p$p.log" 2>&1
  fi
done
[ -f "$out/aggregation.csv" ] || "$here/bench/kernels.sh" 'AggregationBench.aggregateAndAverage' -wi 2 -w 1s -i 3 -r 2s -rf csv -rff "$out/aggregation.csv" \
  > "$out/jmh.log" 2>&1
source "$here/submit/common.sh"
cp="$(sparkebm_classpath)"
sparkebm_build_module ebm-experiments
xcp="$(sparkebm_classpath ebm-experiments)"
java -cp "$xcp" org.sparkebm.experiments.ScalingReport "$out" "$here/docs/results"
