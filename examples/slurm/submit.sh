#!/usr/bin/env bash
# Submits a nobat run or sweep as a Slurm job array of N shards and a merge job that runs when
# every shard has succeeded; prints the two job ids.
#
#   examples/slurm/submit.sh N run scenarios/city-small.toml --replications 100
#   examples/slurm/submit.sh N sweep scenarios/sizing.toml --set arrivals.scale=1:1.4:0.1
#
# Set NOBAT (the binary) and NOBAT_WORK (a shared folder) as for the two job scripts; any
# SBATCH_* variable (SBATCH_PARTITION, SBATCH_TIMELIMIT, SBATCH_ACCOUNT...) applies to both jobs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shards="${1:?usage: submit.sh N run|sweep SCENARIO [ARGS...]}"
shift
export NOBAT_SHARDS="$shards" NOBAT_WORK="${NOBAT_WORK:-$PWD/nobat-work}"
mkdir -p "$NOBAT_WORK"

# Jobs run in this folder (the scenario path is relative to it) and log into the work folder.
array=$(sbatch --parsable --array="0-$((shards - 1))" --output="$NOBAT_WORK/nobat-shard-%A_%a.out" \
  "$here/nobat-shard.sbatch" "$@")
array="${array%%;*}"
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --output="$NOBAT_WORK/nobat-merge-%j.out" "$here/nobat-merge.sbatch")
merge="${merge%%;*}"
echo "shards: job array $array (tasks 0-$((shards - 1))); merge: job $merge, after every shard succeeds"
echo "reports: $NOBAT_WORK/report"
echo "$array $merge" >"$NOBAT_WORK/jobs"
