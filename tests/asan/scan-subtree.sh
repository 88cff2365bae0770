#!/usr/bin/env bash
# The sanitized scan of one large subtree of a real kernel tree: the
# instrumented binary reads thousands of real driver files, which the
# fixtures cannot stand in for.  Passes when the scan finishes with status
# 0 or 1; tests/asan/env around it fails the run on any sanitizer report.
# Prints the summary and the wall time and peak memory of the run.
#   usage: tests/asan/scan-subtree.sh BINARY VERSION SUBDIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:?BINARY} sub=${3:?SUBDIR}
tree=$("$top/scripts/kernel-tree" "${2:?VERSION}") || exit 1
err=$(mktemp)
trap 'rm -f "$err" "$err.time"' EXIT
/usr/bin/env time -f '%e s wall, %M KiB peak' -o "$err.time" \
	"$bin" scan --no-progress -j 2 "$tree/$sub" >/dev/null 2>"$err"
rc=$?
echo "sanitized scan of linux-source-$2/$sub:"
grep -v '^teardown: skipped' "$err" | sed 's/^/  /'
sed 's/^/  time: /' "$err.time"
if [ $rc -gt 1 ]; then
	echo "  FAIL: exit status $rc"
	exit 1
fi
