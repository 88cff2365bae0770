#!/usr/bin/env bash
# Real-tree test: the SARIF log of a real scan (drivers/iio of the tree,
# notes included, so that both levels appear) passes Microsoft's SARIF
# validator (the npm package @microsoft/sarif-multitool, installed into
# build/sarif by make check, which passes its path in SARIF_TOOL) with no
# error.  Prints the validator's verdict and counts.
#   usage: tests/real/sarif.sh VERSION
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tree=$("$top/scripts/kernel-tree" "${1:?VERSION}") || exit 1
tool=${SARIF_TOOL:-$top/build/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool}
[ -x "$tool" ] || { echo "  [$1] FAIL: no SARIF validator at $tool (make check installs it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$top/teardown" scan --no-progress -q --notes --format sarif "$tree/drivers/iio" >"$tmp/iio.sarif" 2>/dev/null
[ $? -le 1 ] || { echo "  [$1] FAIL: the scan failed"; exit 1; }
results=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$tmp/iio.sarif")
# The validator's rules include advice (warnings, notes); only errors fail.
DOTNET_CLI_TELEMETRY_OPTOUT=1 "$tool" validate --output "$tmp/report.sarif" "$tmp/iio.sarif" >"$tmp/out" 2>&1
rc=$?
python3 - "$tmp/report.sarif" "$results" "$1" <<'PY'
import json, sys
levels = {}
for run in json.load(open(sys.argv[1]))["runs"]:
    for r in run.get("results", []):
        levels[r.get("level", "warning")] = levels.get(r.get("level", "warning"), 0) + 1
print(f"  [{sys.argv[3]}] SARIF of drivers/iio: {sys.argv[2]} results; validator: "
      f"{levels.get('error', 0)} errors, {levels.get('warning', 0)} warnings, {levels.get('note', 0)} notes")
sys.exit(1 if levels.get("error", 0) else 0)
PY
ok=$?
[ $rc -eq 0 ] || { sed "s|^|  [$1] |" "$tmp/out"; echo "  [$1] FAIL: validator exit $rc"; }
[ $rc -eq 0 ] && [ $ok -eq 0 ]
