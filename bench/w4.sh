#!/usr/bin/env bash
# W4 fmnist-biased (shared/bench/WORKLOADS.md): fits the Gaussian base, trains PCD and Jarzynski side by side
# (local engine, one core each), and reads the class proportions of the final walkers with a classifier trained on
# labelled Fashion-MNIST.
#   bench/w4.sh [outdir] → docs/results/w4.md and w4.png
# Needs the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/runs/w4}"
fm=/usr/share/datasets/fashion-mnist
if [ ! -f "$fm/train-images-idx3-ubyte.gz" ]; then
  echo "w4.sh: $fm/train-images-idx3-ubyte.gz missing: apt-get install dataset-fashion-mnist" >&2
  exit 3
fi
source "$here/submit/common.sh"
sparkebm_build_if_needed
mkdir -p "$out"
# the modules' own classes first, so a later `mvn install` of ebm-core cannot change a running job
cp="$here/ebm-spark/target/classes:$here/ebm-core/target/classes:$(cat "$here/ebm-spark/target/classpath.txt")"
base="$out/fmnist-biased-base.bin"
if [ ! -f "$base" ]; then
  java -Xmx4g $SPARKEBM_JVM_FLAGS -cp "$cp" org.sparkebm.spark.FitBase "$here/conf/fmnist-biased-jarzynski.properties" "$base" 0.01
fi
for m in pcd jarzynski; do
  java -Xmx6g $SPARKEBM_JVM_FLAGS -cp "$cp" org.sparkebm.spark.TrainJob "$here/conf/fmnist-biased-$m.properties" \
    run.engine=local run.outputDir="$out" run.ifExists=resume model.basePath="$base" > "$out/$m.log" 2>&1 &
done
wait
tail -n 3 "$out/pcd.log" "$out/jarzynski.log"
java -Xmx6g $SPARKEBM_JVM_FLAGS -cp "$cp" org.sparkebm.spark.W4Report "$out" "$here/docs/results"
