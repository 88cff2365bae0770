#!/usr/bin/env bash
# Real-fix test: each tests/real/fixes/NAME.patch re-introduces a bug that a
# real kernel commit fixed, into the Debian tree whose code has the fix.
# Its header says which tree (tree:), which driver directory (dir:), which
# rule must report it (rule:), and where (expect: FILE:LINE, one or more,
# in the patched file).  For each patch the directory's own files (not its
# subdirectories: a driver's callbacks live beside it) are copied into a
# temporary directory; the fixed code is scanned and must have no finding
# of the rule at an expected place, then the patch is applied with
# `patch -p1` and the scan must report the rule at every expected place.
# A patch whose header has `known: REASON` is a fix the tool misses today,
# for REASON: its failure is reported as known, and its passing fails the
# test, so that the mark goes once the gap is closed (check-known-to-fail's
# rule).  No kernel file is kept: the copies live under mktemp.
#   usage: tests/real/fixes.sh [PATCH...]   (default: every patch)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -gt 0 ] || set -- "$top"/tests/real/fixes/*.patch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

field() { sed -n "s/^# $1: //p" "$2"; }

# The findings of RULE in a scan of DIR under the profile of TREE, one
# FILE:LINE a line.
findings() {
	(cd "$work/src" && "$top/teardown" scan --no-progress --notes --latent --semantics "$1" \
		--format json "$2") >"$work/out.json" 2>"$work/err"
	if [ $? -gt 1 ]; then
		echo "scan failed: $(head -c 300 "$work/err")"; return
	fi
	python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] == sys.argv[2]:  # paths are relative to the scanned directory
        print("%s/%s:%d" % (sys.argv[3], f["location"]["file"], f["location"]["line"]))' \
		"$work/out.json" "$3" "$2"
}

for p in "$@"; do
	name=$(basename "$p" .patch)
	tree=$(field tree "$p") dir=$(field dir "$p") rule=$(field rule "$p") known=$(field known "$p")
	mapfile -t expect < <(field expect "$p")
	if [ -z "$tree" ] || [ -z "$dir" ] || [ -z "$rule" ] || [ ${#expect[@]} -eq 0 ]; then
		echo "  $name: FAIL: header lacks tree:, dir:, rule: or expect:"; fail=1; continue
	fi
	src=$("$top/scripts/kernel-tree" "$tree") || { fail=1; continue; }
	rm -rf "$work/src" && mkdir -p "$work/src/$dir"
	find "$src/$dir" -maxdepth 1 -type f -exec cp {} "$work/src/$dir/" \;
	before=$(findings "$tree" "$dir" "$rule")
	ok=1 why=
	for e in "${expect[@]}"; do
		if grep -qx "$e" <<<"$before"; then
			why+=" $rule already reported at $e on the fixed code;"; ok=0
		fi
	done
	if ! (cd "$work/src" && patch -s -p1) <"$p"; then
		echo "  $name: FAIL: the patch does not apply to the $tree tree"; fail=1; continue
	fi
	after=$(findings "$tree" "$dir" "$rule")
	for e in "${expect[@]}"; do
		if ! grep -qx "$e" <<<"$after"; then
			why+=" $rule not reported at $e once the bug is back;"; ok=0
		fi
	done
	if [ -n "$known" ]; then
		if [ $ok = 1 ]; then
			echo "  $name: FAIL: known to fail ($known), but passes: drop its known: line"; fail=1
		else
			echo "  $name: known to fail ($why): $known"
		fi
	elif [ $ok = 1 ]; then
		echo "  $name: $rule silent on the fix, reported at ${expect[*]} on the bug"
	else
		echo "  $name: FAIL:$why after the patch: ${after:-no $rule finding}" | tr '\n' ' '; echo
		fail=1
	fi
done
exit $fail
