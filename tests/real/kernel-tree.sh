#!/usr/bin/env bash
# Real-tree test: scan a whole Debian kernel tree (VERSION: 6.12 or 6.1).
# Passes when the scan finishes with status 0 or 1 (never a crash), every
# .c/.h file under the tree is accounted for in the summary, and the JSON
# output is one valid document.  Prints the figures of the run.
#   usage: tests/real/kernel-tree.sh VERSION
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tree=$("$top/scripts/kernel-tree" "${1:?VERSION}") || exit 1
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
/usr/bin/env time -f '%e s wall, %M KiB peak' -o "$err.time" \
	"$top/teardown" scan --no-progress --format json "$tree" >"$out" 2>"$err"
rc=$?
grep -v -e '^teardown: skipped' -e '^teardown: partially analysed' "$err" | sed "s|^|  [$1] |"
sed "s|^|  [$1] time: |" "$err.time" 2>/dev/null; rm -f "$err.time"
fail=0
if [ $rc -gt 1 ]; then echo "  [$1] FAIL: exit status $rc"; fail=1; fi
python3 - "$out" "$tree" <<'PY' || fail=1
import json, os, sys
doc = json.load(open(sys.argv[1]))
s = doc["summary"]
n = 0
for root, dirs, files in os.walk(sys.argv[2]):
    n += sum(1 for f in files if f.endswith((".c", ".h")) and len(f) > 2)
print(f"  files under the tree: {n}, seen by teardown: {s['files_seen']}")
if s["files_seen"] != n:
    sys.exit("  FAIL: files not accounted for")
PY
exit $fail
