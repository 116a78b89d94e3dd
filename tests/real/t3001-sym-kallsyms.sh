#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Symbols from the dump alone: the kallsyms tables in the dump's memory agree
# with the guest's own /proc/kallsyms, on a KASLR dump and on a nokaslr one.
#  - every symbol the guest recorded (truth `kallsyms`) has the same address
#    and type with `sym NAME`, and `sym ADDRESS` names a symbol at it;
#  - `sym -l` restricted to the core kernel, normalised to /proc/kallsyms's
#    "address type name" and sorted, has the guest's count and sha256
#    (truth `kallsyms_core`);
#  - layout, offsets, errors, --json, -q, and module symbols (-m) when the
#    dump's module memory can be read.
. "$KDIVE_SRCDIR/tests/lib.sh"

check_fixture() { # LABEL
	local label=$1 D=$FIX/vmcore.elf
	truth kallsyms >"$TMP/ks"
	check "$label: the truth has kallsyms values" test -s "$TMP/ks"
	# sym NAME: the first line for each name (a name may have several symbols).
	awk '{ printf "sym %s\n", $1 }' "$TMP/ks" >"$TMP/cmds"
	run_kd -i "$TMP/cmds" "$D"
	expect_eq "$label: sym NAME for $(wc -l <"$TMP/ks") symbols exits 0" 0 "$rc"
	expect_eq "$label: no warnings at start-up" "" "$(cat "$TMP/err")"
	awk '!seen[$3]++ { print $3, $1, substr($2, 2, 1) }' "$TMP/out" | sort >"$TMP/got"
	sort "$TMP/ks" >"$TMP/want"
	if cmp -s "$TMP/want" "$TMP/got"; then
		ok "$label: every recorded /proc/kallsyms value equals sym NAME (address and type)"
	else
		not_ok "$label: every recorded /proc/kallsyms value equals sym NAME (address and type)"
		diff "$TMP/want" "$TMP/got" | head -n 20 | show
	fi

	# sym ADDRESS: a symbol at exactly that address (aliases share one).
	awk '{ printf "sym %s\n", $2 }' "$TMP/ks" >"$TMP/cmds"
	run_kd -i "$TMP/cmds" "$D"
	expect_eq "$label: sym ADDRESS for each recorded address exits 0" 0 "$rc"
	bad=$(awk '{ print $1 }' "$TMP/ks" | paste -d' ' - "$TMP/out" | awk '$4 ~ /\+/')
	expect_eq "$label: sym ADDRESS gives a symbol at offset 0 each time" "" "$bad"
	got=$(awk '{ print $1 }' "$TMP/out" | sort -u)
	want=$(awk '{ print $2 }' "$TMP/ks" | sort -u)
	expect_eq "$label: sym ADDRESS echoes each address" "$want" "$got"

	# The whole core table against the guest's count and checksum.
	run_kd -c 'sym -l' "$D"
	grep -v '\[' "$TMP/out" | awk '{ print $1, substr($2, 2, 1), $3 }' | LC_ALL=C sort >"$TMP/core"
	expect_eq "$label: sym -l core symbols: the guest's count" \
		"$(truth kallsyms_core | sed -n 's/^count //p')" "$(wc -l <"$TMP/core")"
	expect_eq "$label: sym -l core symbols: the guest's sha256 of 'address type name' lines" \
		"$(truth kallsyms_core | sed -n 's/^sha256 //p')" "$(sha256sum <"$TMP/core" | cut -d' ' -f1)"
}

FIX= TRUTH=
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
check_fixture kaslr
D=$FIX/vmcore.elf
init_task=$(truth kallsyms | awk '$1 == "init_task" { print $2 }')
stext=$(truth kallsyms | awk '$1 == "_stext" { print $2 }')

# crash's layout, offsets in decimal both ways.
run_kd -c "sym init_task; sym init_task+8; sym $(printf '%x' $((0x$init_task + 16))); sym init_task+0x10" "$D"
expect_eq "sym layout: address (type) name[+offset]" \
	"$init_task (D) init_task
$(printf '%016x' $((0x$init_task + 8))) (D) init_task+8
$(printf '%016x' $((0x$init_task + 16))) (D) init_task+16
$(printf '%016x' $((0x$init_task + 16))) (D) init_task+16" "$(cat "$TMP/out")"
run_kd -c 'sym init_task --json; sym _stext+1 --json' "$D"
expect_eq "sym --json: address, type, name" "0x${init_task#"${init_task%%[!0]*}"} D init_task" \
	"$(jq -r '.symbols[0] | "\(.address) \(.type) \(.name)"' <(head -n 1 "$TMP/out"))"
expect_eq "sym ADDRESS --json has the offset" "1" "$(tail -n 1 "$TMP/out" | jq -r '.symbols[0].offset')"
run_kd -c 'sym -q vmcoreinfo_' "$D"
check "sym -q lists every symbol containing the string" grep -q ' (B) vmcoreinfo_data$' "$TMP/out"
check "sym -q lists only matches" sh -c "! grep -v vmcoreinfo_ '$TMP/out'"

# Errors: one line each, exit 1, the session goes on.
run_kd -c 'sym no_such_symbol_xyz; sym ffff888000001000; sym -q no_such_xyz; sym init_task' "$D"
expect_eq "errors exit 1" 1 "$rc"
# (-q searches module symbols too: until module memory can be read, a warning says so.)
expect_eq "errors name what is missing" "sym: no symbol 'no_such_symbol_xyz'
sym: no symbol at 0xffff888000001000
sym: no symbol contains 'no_such_xyz'" "$(grep -v '^warning: module symbols: ' "$TMP/err")"
expect_eq "the session goes on after errors" "$init_task (D) init_task" "$(cat "$TMP/out")"
run_kd -c 'sym -l -q x' "$D"
check "sym -l with -q is a usage error" grep -q '^usage: sym ' "$TMP/err"

# Module symbols: read from the dump's `modules` list (module memory is in the
# vmalloc area, which needs the page-table walk).
run_kd -c 'sym -m loop' "$D"
if grep -q 'page tables not supported' "$TMP/err"; then
	ok "# SKIP sym -m: module memory needs the page-table walk (not in this build)"
	check "sym -m without the walk: says why" grep -q '^sym: module symbols: cannot translate' "$TMP/err"
else
	base=$(truth modules | awk '$1 == "loop" { print $6 }')
	size=$(truth modules | awk '$1 == "loop" { print $2 }')
	expect_eq "sym -m loop exits 0" 0 "$rc"
	check "sym -m loop lists symbols tagged [loop]" grep -q ' \[loop\]$' "$TMP/out"
	outside=$(perl -ne 'BEGIN { $b = hex(shift); $e = $b + shift } my $a = hex((split)[0]);
		print if $a < $b || $a >= $e' "$base" "$size" "$TMP/out" 2>/dev/null)
	expect_eq "sym -m loop: every symbol inside the module ($base, $size bytes)" "" "$outside"
	run_kd -c "sym $(printf '%x' $((base + 16)))" "$D"
	check "an address in a module names a module symbol" grep -q '\[loop\]$' "$TMP/out"
	# The same list through the public API (tests/modules/kmods.c, a command
	# with KD_CMD_USES_MODULES): the guest's /proc/modules, in its order.
	run_kd -c "load $KDIVE_BUILDDIR/tests/modules/.libs/kmods.so; kmods" "$D"
	expect_eq "kmods (kd_kmodule_get): the guest's modules as 'name size base', in its order" \
		"$(truth modules | awk '{ print $1, $2, $6 }')" "$(awk '!/^loaded / { print $1, $2, $3 }' "$TMP/out")"
	check "kmods: each module has symbols" awk '!/^loaded / && $4 == 0 { bad = 1 } END { exit bad || NR < 2 }' \
		"$TMP/out"
fi

MKVMCORE_ARGS=--nokaslr
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
check_fixture nokaslr
expect_eq "nokaslr: _stext is at the link address" ffffffff81000000 \
	"$(truth kallsyms | awk '$1 == "_stext" { print $2 }')"
run_kd -c 'sym _stext' "$FIX/vmcore.elf"
expect_eq "nokaslr: sym _stext" "ffffffff81000000 (T) _stext" "$(cat "$TMP/out")"
check "the KASLR dump's _stext ($stext) was elsewhere" [ "$stext" != ffffffff81000000 ]
done_testing
