#!/usr/bin/env bash
# nobat against the bare loop, SimPy and Ciw on the two target models, in one run, one table.
# Not run in CI (it installs Python packages and takes minutes).
#
#   bash benches/python/compare.sh [CLIENTS_FOR_NOBAT] [CLIENTS_FOR_PYTHON]
#
# Makes a virtual environment in target/peers-venv with the pinned peers, builds nobat's
# compare tool, runs everything and prints clients/s and nobat's ratio to each.
set -euo pipefail
cd "$(dirname "$0")/../.."
NOBAT_CLIENTS=${1:-2000000}
PY_CLIENTS=${2:-100000}
VENV=target/peers-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet -r benches/python/requirements.txt
fi
cargo build --release --quiet -p nobat-benches --example compare
OUT=$(mktemp)
./target/release/examples/compare --csv --clients "$NOBAT_CLIENTS" > "$OUT"
"$VENV/bin/python" benches/python/peers.py --clients "$PY_CLIENTS" | tee -a /dev/stderr >> "$OUT"
python3 - "$OUT" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rate = {(r["model"], r["simulator"]): float(r["clients_per_s"]) for r in rows}
print(f"{'model':<26} {'simulator':<22} {'clients/s':>12} {'nobat / this':>14}")
for (model, sim), value in rate.items():
    ours = rate.get((model, "nobat"))
    ratio = "" if sim.startswith("nobat") or ours is None else f"{ours / value:.2f}"
    print(f"{model:<26} {sim:<22} {value:>12.0f} {ratio:>14}")
PY
rm -f "$OUT"
