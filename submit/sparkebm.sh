#!/usr/bin/env bash
# The project's commands in local mode from a fresh checkout (builds what it needs first):
#   submit/sparkebm.sh train  <config.properties> [key=value ...]        (= submit/run-local.sh)
#   submit/sparkebm.sh score  <model> <input> <output> [label=<col>] ... (energies → Parquet, AUROC)
#   submit/sparkebm.sh sample <model> <outDir> [n=64] [steps=200] [init=config|uniform|buffer]
#   submit/sparkebm.sh ood    <image model> <outDir> [limit=2000]         (out-of-distribution AUROC)
#   submit/sparkebm.sh quality <samples idx | sample output | uniform> <outDir> [classifier=...]  (FID, KID)
#   submit/sparkebm.sh walkers <Jarzynski run dir> <outDir> [round=<t>]   (walkers with their weights)
#   submit/sparkebm.sh make-tabular <outDir> [rows=20000] [dim=8] [fraction=0.05] [seed=1]
#   submit/sparkebm.sh fit-base <config.properties> <out> <ridge>
#   submit/sparkebm.sh fit-projection <config.properties> <out> <components>
# <model> is a run directory, a model.bin or a saved Spark ML EbmModel. Each command prints its usage when called
# without arguments. On a cluster: spark-submit --class org.sparkebm.spark.cli.Main <app jar> <command> <args...>.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  train|score|sample|ood|quality|walkers|make-tabular|fit-base|fit-projection) ;;
  *) echo "usage: submit/sparkebm.sh train|score|sample|ood|quality|walkers|make-tabular|fit-base|fit-projection <args...>" >&2; exit 2 ;;
esac
sparkebm_build_if_needed
exec java ${SPARKEBM_JAVA_OPTS:--Xmx6g} $SPARKEBM_JVM_FLAGS -Dsparkebm.gitRevision="$SPARKEBM_GIT" \
  -Dlog4j2.level=warn -cp "$(sparkebm_classpath)" org.sparkebm.spark.cli.Main "$cmd" "$@"
