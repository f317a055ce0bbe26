#!/usr/bin/env bash
# The tabular anomaly-detection example end to end, from the seed:
#   bench/anomaly.sh [outDir=runs/anomaly-example]
# 1. a synthetic table (train and test, 20,000 rows each, 8 columns, 5% anomalies) as Parquet;
# 2. conf/anomaly.properties trained on the train table (its labels are not features);
# 3. the test table scored with the trained model: energies → Parquet, AUROC of energy for label = 1.
# Nothing existing is overwritten: a second call with the same outDir fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/anomaly-example}"
export OMP_NUM_THREADS=1
"$here/submit/sparkebm.sh" make-tabular "$out/data" master=local[2]
"$here/submit/sparkebm.sh" train "$here/conf/anomaly.properties" spark.master=local[2] \
  data.path="$out/data/train.parquet" run.outputDir="$out"
"$here/submit/sparkebm.sh" score "$out/anomaly" "$out/data/test.parquet" "$out/test-scores.parquet" label=label \
  master=local[2]
echo "anomaly example: AUROC and counts in $out/test-scores.parquet/_metrics.json"
cat "$out/test-scores.parquet/_metrics.json"
