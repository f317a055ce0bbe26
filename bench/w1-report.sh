#!/usr/bin/env bash
# Writes docs/results/w1.md and docs/results/w1-p1.png from the runs of bench/w1-sweep.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../submit/common.sh"
sparkebm_build_if_needed
cp="$SPARKEBM_HOME/ebm-spark/target/classes:$SPARKEBM_HOME/ebm-core/target/classes:$(cat "$SPARKEBM_HOME/ebm-spark/target/classpath.txt")"
java -cp "$cp" org.sparkebm.spark.W1Report "${1:-$SPARKEBM_HOME/runs/w1}" "${2:-$SPARKEBM_HOME/docs/results}"
