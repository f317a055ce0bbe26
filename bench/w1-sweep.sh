#!/usr/bin/env bash
# W1 gmm50 sweep (docs/workloads.md): PCD, CD and Jarzynski, P = 1 and 4 devices, compressed and not,
# several seeds; every run is the normal job on a conf/ file (run.engine=local folds the devices in one JVM,
# bit-for-bit what Spark computes; add run.engine=spark to any line to run it on Spark instead).
#   bench/w1-sweep.sh [outdir] [parallel]      then: bench/w1-report.sh [outdir]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/runs/w1}"
par="${2:-2}"
jobs=()
add() { jobs+=("$*"); }
for s in 1 2 3 4 5; do
  add gmm50-jarzynski "p1-jarzynski-s$s" run.seed=$s
  add gmm50-jarzynski "p4-jarzynski-s$s" run.seed=$s devices.count=4 chains.buffer=2500 train.chains=2500
done
for s in 1 2 3 4 5; do
  add gmm50-jarzynski "p4-jarzynski-global-s$s" run.seed=$s devices.count=4 chains.buffer=2500 train.chains=2500 jarzynski.resampling=global
done
for s in 1 2 3; do
  add gmm50 "p1-pcd-s$s" run.seed=$s
  add gmm50-cd "p1-cd-s$s" run.seed=$s
done
add gmm50 "p4-pcd-s1" run.seed=1 devices.count=4 chains.buffer=2500 train.chains=2500
add gmm50-cd "p4-cd-s1" run.seed=1 devices.count=4 chains.buffer=2500 train.chains=2500
for s in 1 2; do
  add gmm50-jarzynski "p4-jarzynski-topk10-s$s" run.seed=$s devices.count=4 chains.buffer=2500 train.chains=2500 compress.type=topk compress.density=0.1
  add gmm50-jarzynski "p4-jarzynski-blocksign16-s$s" run.seed=$s devices.count=4 chains.buffer=2500 train.chains=2500 compress.type=blocksign compress.block=16
done
# Build once, then freeze the classes and jars the sweep runs on: a rebuild during the sweep (someone editing
# the tree) must neither change the code under later runs nor replace a jar under a running JVM.
source "$here/submit/common.sh"
sparkebm_build_if_needed
mkdir -p "$out/.lib"
lib="$(cd "$out/.lib" && pwd)"
rm -rf "$lib"/*
cp -r "$here/ebm-spark/target/classes" "$lib/classes"
cp $(tr ':' ' ' < "$here/ebm-spark/target/classpath.txt") "$lib/"
export SWEEP_CP="$lib/classes:$lib/*" SWEEP_FLAGS="$SPARKEBM_JVM_FLAGS -Dsparkebm.gitRevision=$SPARKEBM_GIT"
printf '%s\n' "${jobs[@]}" | xargs -P "$par" -I{} bash -c '
  set -- {}; conf=$1; name=$2; shift 2
  if [ -f "'"$out"'/$name/summary.json" ]; then echo "skip $name"; exit 0; fi
  # run.ifExists=resume: an interrupted sweep continues each run from its newest checkpoint
  java -Xmx4g $SWEEP_FLAGS -cp "$SWEEP_CP" org.sparkebm.spark.cli.Main train "'"$here"'/conf/$conf.properties" \
    run.engine=local run.logEvery=2000 checkpoint.every=1000 run.ifExists=resume \
    run.outputDir="'"$out"'" run.name=$name "$@" >> "'"$out"'/$name.log" 2>&1 && echo "done $name" || echo "FAILED $name"'
