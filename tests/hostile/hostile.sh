#!/usr/bin/env bash
# check-name: hostile inputs end in a clear message and a finished scan
#
# tests/hostile/gen.sh makes, at test time, one entry for each way a tree
# can attack a scanner (see its header).  Then `teardown scan`, `teardown
# drivers` and `teardown facts` (JSON) run over it, each under
# `timeout` and /usr/bin/time: a run must finish within LIMIT_S seconds and
# LIMIT_KIB of memory, exit with the status its command promises, and JSON
# must be one valid document.  What is printed is what a user would read
# about the bad files: the notices (sorted: their order is the scan's
# business) and the summary's count line.
#
# secret.c is mode 000, which stops no one running as root: as root, the
# runs drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (setpriv), so the
# kernel refuses the open as it would for a user.  eio.c (-> /proc/self/mem)
# opens fine and then fails to read, which no capability changes.
#
# Set HOSTILE_LOG=FILE to keep the time and memory of every run.
#
# check-command: bash $file
# check-output-start
# scan: teardown: skipped binary.c: binary (NUL byte in the first 8192 bytes)
# scan: teardown: skipped eio.c: unreadable (Input/output error)
# scan: teardown: skipped fifo.c: not a regular file
# scan: teardown: skipped huge.c: too large (52428800 bytes, parse limit 8388608 (--max-size))
# scan: teardown: skipped loop: symlink loop (links to a directory that contains it)
# scan: teardown: skipped secret.c: unreadable (Permission denied)
# scan: teardown: skipped self.c: symlink loop (Too many levels of symbolic links)
# scan: teardown: 17 files seen, 9 parsed (8.0 MiB of their 8.0 MiB: the items drivers reach and the functions checked alone); skipped: 1 no API names, 2 unreadable, 1 binary, 1 too large, 1 not a regular file, 2 symlink loop
# scan: exit 0 or 1
# scan json: valid, 17 files seen
# drivers: _drv crlf_driver indir_driver ok_driver spaced_driver
# drivers json: valid
# facts binary.c: exit 2: teardown: skipped binary.c: binary (NUL byte in the first 8192 bytes)
# facts braces.c: exit 0, json valid
# facts crlf.c: exit 0, json valid
# facts dir.c: exit 2: teardown: dir.c: is a directory (facts reads one file)
# facts eio.c: exit 2: teardown: skipped eio.c: unreadable (Input/output error)
# facts empty.c: exit 0, json valid
# facts fifo.c: exit 2: teardown: skipped fifo.c: not a regular file
# facts iterators.c: exit 0, json valid
# facts long.c: exit 0, json valid
# facts loop: exit 2: teardown: loop: is a directory (facts reads one file)
# facts nul-utf8.c: exit 0, json valid
# facts ok.c: exit 0, json valid
# facts parens.c: exit 0, json valid
# facts secret.c: exit 2: teardown: skipped secret.c: unreadable (Permission denied)
# facts self.c: exit 2: teardown: self.c: Too many levels of symbolic links
# facts sp ace\nnl/my driver.c: exit 0, json valid
# check-output-end
set -u
LIMIT_S=240 LIMIT_KIB=$((3 * 1024 * 1024))
T=$(mktemp -d)
trap 'chmod -R u+rwX "$T" 2>/dev/null; rm -rf "$T"' EXIT
"$(dirname "$0")/gen.sh" "$T/tree" || exit 1
cd "$T/tree"
log=${HOSTILE_LOG:-/dev/null}

# Run "$@" bounded; stdout to $T/out, stderr to $T/err; sets rc.
bounded() {
	local what=$1; shift
	local priv=()
	[ "$(id -u)" = 0 ] && priv=(setpriv --bounding-set=-dac_override,-dac_read_search)
	/usr/bin/env time -f '%e %M' -o "$T/time" "${priv[@]}" timeout "$LIMIT_S" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	read -r secs kib < <(tail -n 1 "$T/time")
	[ "$rc" = 124 ] && echo "$what: TIMEOUT after $LIMIT_S s"
	[ "${kib:-0}" -gt "$LIMIT_KIB" ] && echo "$what: used $kib KiB (limit $LIMIT_KIB)"
	printf '%s\texit %s\t%s s\t%s KiB\n' "$what" "$rc" "$secs" "$kib" >>"$log"
}
valid_json() { python3 -m json.tool "$1" >/dev/null 2>&1; }

# One scan gives both what a user reads (stderr) and the JSON document.
# The parse time limit is raised so that only LIMIT_S bounds the run: under
# a sanitizer on a busy machine, long.c may take more than the default 20 s
# (which the summary would then rightly count as a parse timeout).
bounded scan teardown scan --no-progress -j 2 --parse-timeout $((LIMIT_S * 1000)) --format json .
{ grep '^teardown: skipped' "$T/err" | LC_ALL=C sort; grep ' files seen, ' "$T/err"; } | sed 's/^/scan: /'
case $rc in 0 | 1) echo "scan: exit 0 or 1";; *) echo "scan: exit $rc"; tail -5 "$T/err";; esac
valid_json "$T/out" && python3 -c 'import json,sys; print("scan json: valid,", json.load(open(sys.argv[1]))["summary"]["files_seen"], "files seen")' "$T/out" ||
	echo "scan json: INVALID (exit $rc)"

bounded drivers teardown drivers --no-progress -j 2 --parse-timeout $((LIMIT_S * 1000)) --format json .
if valid_json "$T/out"; then
	python3 -c 'import json,sys; print("drivers:", *sorted(d["driver"] for d in json.load(open(sys.argv[1]))["drivers"]))' "$T/out"
	echo "drivers json: valid"
else
	echo "drivers json: INVALID (exit $rc)"
fi

# huge.c is left to the scan, which skips it: `facts` has no size limit
# (it is for triage of one file) and parsing 50 MiB takes half a minute.
for f in binary.c braces.c crlf.c dir.c eio.c empty.c fifo.c iterators.c long.c loop nul-utf8.c \
	ok.c parens.c secret.c self.c "$(printf 'sp ace\nnl/my driver.c')"; do
	name=$(printf '%s' "$f" | sed -z 's/\n/\\n/g')
	bounded "facts $name" teardown facts --format json "$f"
	if [ $rc = 0 ] && valid_json "$T/out"; then
		echo "facts $name: exit 0, json valid"
	else
		echo "facts $name: exit $rc: $(head -1 "$T/err" | sed 's/\x1b//g')"
	fi
done
