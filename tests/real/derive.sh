#!/usr/bin/env bash
# Real-tree test: teardown spec derive on a whole Debian kernel tree.
# Passes when it classifies at least FLOOR managed APIs (a floor measured on
# 6.12, where it classified 532 of 561: a drop below it is a regression of
# the reader, not a change of the kernel), when the families data/api.spec
# was checked on by hand come out as the kernel has them (devm_clk_get's
# release puts the clock, devm_regulator_bulk_get's frees the bulk, ...),
# and when no classified API that data/api.spec has names another devres
# release than the spec's node=.  Prints the counts.
#   usage: tests/real/derive.sh VERSION
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tree=$("$top/scripts/kernel-tree" "${1:?VERSION}") || exit 1
floor=500
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$top/teardown" spec derive "$tree" >"$out" 2>"$err" || { echo "  [$1] FAIL: exit status $?"; exit 1; }
sed "s|^|  [$1] |" "$err"
fail=0
classified=$(sed -n 's/.*: \([0-9]*\) classified.*/\1/p' "$err")
if [ "${classified:-0}" -lt $floor ]; then
	echo "  [$1] FAIL: $classified managed APIs classified, fewer than $floor"
	fail=1
fi
while read -r name want; do
	grep -qE "^$name +acquire .*wrong=([a-z_,]*,)?$want[ ,]" "$out" && continue
	echo "  [$1] FAIL: $name does not release with $want:"
	grep -E "^$name " "$out" | sed "s|^|  [$1]   |"
	fail=1
done <<'KNOWN'
devm_clk_get clk_put
devm_clk_get_enabled clk_put
devm_clk_bulk_get clk_bulk_put
devm_regulator_get regulator_put
devm_regulator_bulk_get regulator_bulk_free
devm_request_threaded_irq free_irq
devm_ioremap iounmap
devm_spi_alloc_host spi_controller_put
devm_alloc_etherdev_mqs free_netdev
KNOWN
differ=$(grep -c 'in the spec, node=' "$out")
echo "  [$1] classified APIs whose devres release differs from data/api.spec's node=: $differ"
grep 'in the spec, node=' "$out" | sed "s|^|  [$1]   |"
[ "$differ" -eq 0 ] || fail=1
exit $fail
