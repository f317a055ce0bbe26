#!/usr/bin/env bash
# Privacy trade-off on the quickstart: learned mode weights against ε for a few noise multipliers σ
# (64 devices, Poisson device sampling q = 0.25, clip C = 1, device-side noise, 300 rounds, local engine).
#   bench/dp-tradeoff.sh [outdir] [parallel]   → docs/results/privacy.md and privacy.png
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/runs/dp}"
par="${2:-2}"
source "$here/submit/common.sh"
sparkebm_build_if_needed
mkdir -p "$out"
cp="$here/ebm-spark/target/classes:$(cat "$here/ebm-spark/target/classpath.txt")"
common="run.engine=local run.logEvery=100 run.ifExists=resume run.outputDir=$out devices.count=64 \
devices.fraction=0.25 devices.sampling=poisson train.chains=64 sampler.steps=10"
printf '%s\n' "base privacy.clip=0" "s0.5 privacy.clip=1 privacy.noise=0.5" "s1 privacy.clip=1 privacy.noise=1" \
  "s2 privacy.clip=1 privacy.noise=2" "s4 privacy.clip=1 privacy.noise=4" |
  xargs -P "$par" -I{} bash -c 'set -- {}; name=$1; shift
    java -Xmx3g '"$SPARK_JAVA17_FLAGS"' -cp "'"$cp"'" org.sparkebm.spark.TrainJob "'"$here"'/conf/quickstart.properties" \
      '"$common"' run.name=$name "$@" > "'"$out"'/$name.log" 2>&1 && echo "done $name" || echo "FAILED $name"'
java -cp "$cp" org.sparkebm.spark.PrivacyReport "$out" "$here/docs/results"
