#!/usr/bin/env bash
# Real-tree test: scan a whole Debian kernel tree (VERSION: 6.12, 6.1 or 7.3).
# Passes when the scan finishes with status 0 or 1 (never a crash), every
# .c/.h file under the tree is accounted for in the summary, the JSON
# output is one valid document, and the scan picked the profile of the
# tree's version (data/profiles names each Debian tree's profile after
# it).  On a tree whose driver core detaches the PM domain after devres
# (7.3), no bus-devres-order finding may appear.  Prints the figures of
# the run and the findings per rule.
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
python3 - "$out" "$tree" "$1" <<'PY' || fail=1
import json, os, sys
doc = json.load(open(sys.argv[1]))
s = doc["summary"]
n = 0
for root, dirs, files in os.walk(sys.argv[2]):
    n += sum(1 for f in files if f.endswith((".c", ".h")) and len(f) > 2)
print(f"  files under the tree: {n}, seen by teardown: {s['files_seen']}")
if s["files_seen"] != n:
    sys.exit("  FAIL: files not accounted for")
v = sys.argv[3]
rules = {}
for f in doc["findings"]:
    rules[f["rule"]] = rules.get(f["rule"], 0) + 1
print(f"  [{v}] kernel {s.get('kernel_version')}, profile {s['profile']} ({s['profile_from']})")
print(f"  [{v}] per rule: " + ", ".join(f"{r} {c}" for r, c in sorted(rules.items())))
if s["profile"] != v or s["profile_from"] != "tree":
    sys.exit(f"  FAIL: profile {s['profile']} picked for the {v} tree")
if v == "7.3" and rules.get("bus-devres-order"):
    sys.exit("  FAIL: bus-devres-order on a tree that detaches the PM domain after devres")
PY
exit $fail
