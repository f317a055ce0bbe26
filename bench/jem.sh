#!/usr/bin/env bash
# M-JEM on Fashion-MNIST: the plain classifier and M-JEM with the same network and budget, then their test
# accuracy and out-of-distribution AUROCs (log p(x), max softmax, input-gradient norm) on the 10,000 test images,
# and M-JEM's samples, unconditional and per class.
#   bench/jem.sh [outDir=runs/jem] [key=value ...]   (overrides for both trainings, e.g. optimizer.lr=3e-4)
# Runs one after the other on local[2] (about 20 minutes on 2 cores). Nothing existing is overwritten.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/jem}"
[ $# -gt 0 ] && shift
export OMP_NUM_THREADS=1
for c in fmnist-clf fmnist-mjem; do
  "$here/submit/sparkebm.sh" train "$here/conf/$c.properties" spark.master=local[2] run.outputDir="$out" "$@"
done
for c in fmnist-clf fmnist-mjem; do
  "$here/submit/sparkebm.sh" ood "$out/$c" "$out/$c-ood" limit=10000 master=local[2]
done
"$here/submit/sparkebm.sh" sample "$out/fmnist-mjem" "$out/fmnist-mjem-samples" n=64 steps=100 master=local[2]
"$here/submit/sparkebm.sh" sample "$out/fmnist-mjem" "$out/fmnist-mjem-class-samples" n=100 steps=100 class=all \
  master=local[2]
for c in fmnist-clf fmnist-mjem; do
  echo "== $c: $(grep -o '"seconds" : [0-9.]*' "$out/$c/summary.json" | head -1), rounds $(grep -o '"rounds" : [0-9]*' "$out/$c/summary.json" | head -1)"
  cat "$out/$c-ood/ood.md"
  grep test_accuracy "$out/$c-ood/ood.json"
done
