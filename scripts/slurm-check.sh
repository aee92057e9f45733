#!/usr/bin/env bash
# A real Slurm test of examples/slurm: installs Debian's slurm-wlm and munge if missing, starts a
# single-node cluster on this machine (munged, slurmctld and slurmd on localhost, the node as
# `slurmd -C` measures it), submits a nobat run and a nobat sweep as job arrays of shards with
# their dependent merge jobs (examples/slurm/submit.sh), waits for them, compares the merged
# reports byte for byte with single-machine runs, prints the timings and stops the daemons.
#
#   scripts/slurm-check.sh              # needs root (apt-get, daemons); about a minute
#   NOBAT=path/to/nobat scripts/slurm-check.sh
#   SHARDS_RUN=8 REPLICATIONS_RUN=400 scripts/slurm-check.sh   # the whole of scenarios/region.toml
#
# Without NOBAT it builds the CLI (`cargo build --release`). Everything the cluster writes
# (configuration, munge key and socket, state, logs, shards, reports) lives in one temporary
# folder, removed at the end unless KEEP=1; ports 16817/16818 by default (SLURM_PORTS="A B").
# Nothing system-wide is configured: the daemons are started with their own files and stopped
# by their process ids, and /etc is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

shards_run="${SHARDS_RUN:-4}"
shards_sweep="${SHARDS_SWEEP:-3}"
read -r ctld_port slurmd_port <<<"${SLURM_PORTS:-16817 16818}"
started=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "== slurm-check: $*"; }

# 1. Slurm and munge.
t=$(date +%s.%N)
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "slurm-check: slurm-wlm and munge are not installed, and apt-get as root is not available to install them" >&2
    exit 1
  fi
  say "installing slurm-wlm and munge (apt-get)"
  # A clean machine may have no package lists yet.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null; }
fi
install_s=$(since "$t")
say "slurm $(slurmctld -V | awk '{ print $2 }'), munge $(munged -V 2>&1 | awk '{ print $1 }' | sed 's/munge-//') ready (${install_s} s)"

# 2. nobat.
t=$(date +%s.%N)
if [ -z "${NOBAT:-}" ]; then
  cargo build --locked --release -q -p nobat-cli
  NOBAT="${CARGO_TARGET_DIR:-target}/release/nobat"
fi
NOBAT="$(realpath "$NOBAT")"
export NOBAT
build_s=$(since "$t")

# 3. A single-node cluster in a temporary folder.
t=$(date +%s.%N)
dir="$(mktemp -d /tmp/nobat-slurm.XXXXXX)"
chmod 755 "$dir"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" != 0 ]; then
    echo "slurm-check: failed; logs in $dir" >&2
    tail -n 20 "$dir"/*.log >&2 2>/dev/null || true
  elif [ "${KEEP:-0}" != 1 ]; then
    rm -rf "$dir"
  fi
}
trap cleanup EXIT

mkdir -p "$dir/munge" "$dir/state" "$dir/spool"
# Clients need to reach the socket; only munged reads the key.
chmod 711 "$dir/munge"
# A key of our own: munged insists that only its user can read it.
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$dir/munge/munge.key"
munged --foreground --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed" \
  --log-file="$dir/munged.log" 2>>"$dir/munged.log" &
pids+=($!)

host="$(hostname -s)"
node="$(slurmd -C | head -n 1)"
cat >"$dir/slurm.conf" <<CONF
ClusterName=nobatcheck
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
MailProg=/bin/true
MinJobAge=600
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
for _ in $(seq 50); do [ -S "$dir/munge/munge.socket" ] && break; sleep 0.1; done
slurmctld -D -i -f "$SLURM_CONF" >>"$dir/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >>"$dir/slurmd.log" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 120); do
  state="$(sinfo -h -n "$host" -o %T 2>/dev/null || true)"
  [ "$state" = idle ] && break
  sleep 0.5
done
if [ "$state" != idle ]; then
  echo "slurm-check: the node did not come up (state: ${state:-none})" >&2
  exit 1
fi
cluster_s=$(since "$t")
say "cluster up: $node (${cluster_s} s)"

# 4. The studies: shards as job arrays, merged by a dependent job; then a single-machine run.
# Waits for the jobs of $work/jobs to leave the queue and checks that both completed.
wait_jobs() {
  local work="$1" array merge
  read -r array merge <"$work/jobs"
  for _ in $(seq 1200); do
    [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
    sleep 0.5
  done
  for job in "$array" "$merge"; do
    if scontrol show job "$job" | grep -o 'JobState=[A-Z_]*' | grep -qv COMPLETED; then
      echo "slurm-check: job $job did not complete:" >&2
      scontrol show job "$job" | grep -o 'JobState=[A-Z_]*\|ExitCode=[0-9:]*' >&2
      cat "$work"/*.out >&2 || true
      exit 1
    fi
  done
}

study() {
  local name="$1" shards="$2"
  shift 2
  local work="$dir/$name" t0 cluster_time single_time
  t0=$(date +%s.%N)
  NOBAT_WORK="$work" examples/slurm/submit.sh "$shards" "$@"
  wait_jobs "$work"
  cluster_time=$(since "$t0")
  t0=$(date +%s.%N)
  "$NOBAT" "$@" --quiet --out "$dir/$name-single" >/dev/null
  single_time=$(since "$t0")
  if ! diff -r "$dir/$name-single" "$work/report"; then
    echo "slurm-check: the merged $name differs from the single-machine one" >&2
    exit 1
  fi
  local files
  files=$(find "$work/report" -type f | wc -l)
  say "$name: $shards shards + merge on Slurm in ${cluster_time} s; single machine ${single_time} s; $files files byte-identical"
}

study run "$shards_run" run scenarios/region.toml --replications "${REPLICATIONS_RUN:-40}"
study sweep "$shards_sweep" sweep scenarios/sizing.toml --set arrivals.scale=1:1.2:0.1 --replications 6

say "passed in $(since "$started") s (install ${install_s} s, build ${build_s} s, cluster start ${cluster_s} s)"
