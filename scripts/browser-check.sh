#!/usr/bin/env bash
# Opens the HTML report of scenarios/city-board.toml in headless Chromium and checks that it
# rendered: a screenshot that is not blank, every <svg> with drawn elements, no console errors.
#
# Needs Debian's chromium (`apt-get install -y chromium`) and python3; not run in CI.
# Usage: scripts/browser-check.sh [OUT_DIR]   (default: a temporary folder, kept and printed)
# The screenshot is OUT_DIR/report.png: look at it to judge readability.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d /tmp/nobat-browser-check.XXXXXX)}
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$chromium" ]]; then
    echo "chromium not found: apt-get install -y chromium" >&2
    exit 2
fi

cargo run --quiet --release --manifest-path "$root/Cargo.toml" -- \
    run "$root/scenarios/city-board.toml" --out "$out" --report --replications 5 >/dev/null
report="$out/report.html"

# The report must not reach the network: no http(s) URL may be fetched from it.
if grep -Eq '(src|href)="https?:' "$report"; then
    echo "FAIL: report.html loads something from the network" >&2
    exit 1
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile")

"$chromium" "${flags[@]}" --window-size=1280,4000 --screenshot="$out/report.png" \
    "file://$report" 2>"$out/screenshot.log" >/dev/null
# --enable-logging=stderr --v=0 prints the page's console messages as "CONSOLE(...)" lines.
"$chromium" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom \
    "file://$report" >"$out/dom.html" 2>"$out/console.log"

python3 - "$out" <<'PY'
import re, struct, sys, zlib

out = sys.argv[1]
failures = []

# 1. The screenshot: a PNG whose rows are not all one colour.
data = open(f"{out}/report.png", "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
idat = b"".join(data[i + 8:i + 8 + struct.unpack(">I", data[i:i + 4])[0]]
                for i in [m.start() - 4 for m in re.finditer(b"IDAT", data)])
raw = zlib.decompress(idat)
channels = {2: 3, 6: 4}[colour]
stride = width * channels + 1
rows = [raw[r * stride + 1:(r + 1) * stride] for r in range(height)]
# Filtered rows: a row that is not uniform (after the filter byte) means something was drawn.
drawn = sum(1 for row in rows if len(set(row)) > 2)
print(f"screenshot {width}x{height}: {drawn} rows with content")
if drawn < height // 10:
    failures.append("the screenshot is (nearly) blank")

# 2. Every chart rendered: each <svg> in the DOM has drawn elements and text.
dom = open(f"{out}/dom.html", encoding="utf-8").read()
svgs = re.findall(r"<svg\b.*?</svg>", dom, re.S)
print(f"{len(svgs)} charts in the DOM")
if len(svgs) < 3:
    failures.append(f"expected at least 3 charts, found {len(svgs)}")
for i, svg in enumerate(svgs):
    shapes = len(re.findall(r"<(polyline|line|circle|rect|path|polygon)\b", svg))
    texts = len(re.findall(r"<text\b", svg))
    print(f"  chart {i + 1}: {shapes} shapes, {texts} labels")
    if shapes < 10 or texts < 3:
        failures.append(f"chart {i + 1} looks empty ({shapes} shapes, {texts} labels)")

# 3. No console errors from the page.
console = open(f"{out}/console.log", encoding="utf-8", errors="replace").read()
errors = [l for l in console.splitlines() if "CONSOLE" in l and ("ERROR" in l or "Uncaught" in l)]
for l in errors:
    print("console:", l)
if errors:
    failures.append(f"{len(errors)} console errors")

if failures:
    print("FAIL:", "; ".join(failures))
    sys.exit(1)
print("OK")
PY
echo "screenshot: $out/report.png"
