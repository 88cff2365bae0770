#!/usr/bin/env bash
# Real-tree test: teardown's reading of MAINTAINERS against the tree's own
# scripts/get_maintainer.pl --nogit --nogit-fallback, on a sample of 100
# files of drivers/ (every Nth of the sorted .c files, so the sample spans
# the tree).  The two must give the same lines (person or list, and role);
# the order may differ only where the script's own order is a Perl hash's.
# Prints one row per file that differs, and the totals.
#   usage: tests/real/maintainers.sh VERSION
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tree=$("$top/scripts/kernel-tree" "${1:?VERSION}") || exit 1
cd "$tree" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find drivers -name '*.c' | LC_ALL=C sort >"$tmp/all"
total=$(wc -l <"$tmp/all")
awk -v step=$((total / 100)) 'NR % step == 0' "$tmp/all" | head -100 >"$tmp/sample"
addresses() { sed 's/ (.*//; s/.*<//; s/>$//' "$1" | tr A-Z a-z | sort; }
compare() { # one file: "same", "order", "tie" or "differs"
	f=$1 out=$2
	perl scripts/get_maintainer.pl --nogit --nogit-fallback -f "$f" 2>/dev/null >"$out.gm"
	"$top/teardown" maintainers "$f" >"$out.td" 2>/dev/null
	if cmp -s "$out.gm" "$out.td"; then echo "same $f"
	elif cmp -s <(sort "$out.gm") <(sort "$out.td"); then echo "order $f"
	elif cmp -s <(addresses "$out.gm") <(addresses "$out.td"); then echo "tie $f"
	else echo "differs $f"; fi
}
export -f addresses
export -f compare
export top
n=0
while read -r f; do n=$((n + 1)); echo "$f $tmp/$n"; done <"$tmp/sample" |
	xargs -P 2 -n 2 bash -c 'compare "$0" "$1"' >"$tmp/result"
n() { grep -c "^$1 " "$tmp/result"; }
lines=$(cat "$tmp"/*.gm | wc -l)
echo "  [$1] get_maintainer.pl --nogit --nogit-fallback vs teardown maintainers, $(wc -l <"$tmp/sample") files of drivers/ ($lines lines of get_maintainer):"
echo "  [$1]   | identical | same lines, other order | same addresses, roles of tied sections | different |"
echo "  [$1]   | $(n same) | $(n order) | $(n tie) | $(n differs) |"
grep -E '^(tie|differs) ' "$tmp/result" | sed "s|^|  [$1]   |"
differs=$(n differs)
[ "$differs" -eq 0 ]
