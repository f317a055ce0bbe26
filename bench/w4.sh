#!/usr/bin/env bash
# W4 fmnist-biased (docs/workloads.md): fits the projection and the initial Gaussian, trains PCD and
# Jarzynski over seeds (local engine, two runs at a time, one core each), and reads the class proportions of the
# final walkers with a classifier trained on labelled Fashion-MNIST.
#   bench/w4.sh [outdir=runs/w4] [seeds="0 1 2"] [start=balanced|fitted] [key=value ...]
# start=balanced (the configs' design): the initial Gaussian is fitted to 1,000 images per class, so the walkers
# start with the wrong proportions; start=fitted: to the 4:2:1 training set itself.
# Writes <outdir>/report/w4.md, w4.png (final proportions) and w4-rounds.png (proportions against the round).
# Needs the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-runs/w4}"
seeds="${2:-0 1 2}"
start="${3:-balanced}"
shift $(( $# < 3 ? $# : 3 ))
fm=/usr/share/datasets/fashion-mnist
if [ ! -f "$fm/train-images-idx3-ubyte.gz" ]; then
  echo "w4.sh: $fm/train-images-idx3-ubyte.gz missing: apt-get install dataset-fashion-mnist" >&2
  exit 3
fi
case "$start" in
  balanced) counts="data.classCounts=1000,1000,1000" ;;
  fitted) counts="data.classCounts=4000,2000,1000" ;;
  *) echo "w4.sh: start=$start: must be balanced or fitted" >&2; exit 2 ;;
esac
cd "$here"
source submit/common.sh
sparkebm_build_if_needed
export OMP_NUM_THREADS=1
mkdir -p "$out"
cp="$(sparkebm_classpath)"
sparkebm_build_module ebm-experiments
xcp="$(sparkebm_classpath ebm-experiments)"
conf="$here/conf/fmnist-biased-jarzynski.properties"
proj="$out/fmnist-biased-projection.bin"
base="$out/fmnist-biased-base.bin"
[ -f "$proj" ] || submit/sparkebm.sh fit-projection "$conf" "$proj" 32
[ -f "$base" ] || submit/sparkebm.sh fit-base "$conf" "$base" 0.001 data.projection="$proj" "$counts"
for s in $seeds; do
  for m in pcd jarzynski; do
    java -Xmx3g $SPARKEBM_JVM_FLAGS -cp "$cp" org.sparkebm.spark.cli.Main train "conf/fmnist-biased-$m.properties" \
      run.engine=local run.outputDir="$out" run.name="fmnist-biased-$m-s$s" run.seed="$s" run.ifExists=resume \
      data.projection="$proj" model.basePath="$base" "$@" > "$out/$m-s$s.log" 2>&1 &
  done
  wait
  tail -n 2 "$out/pcd-s$s.log" "$out/jarzynski-s$s.log"
done
java -Xmx6g $SPARKEBM_JVM_FLAGS -cp "$xcp" org.sparkebm.experiments.W4Report "$out" "$out/report"
