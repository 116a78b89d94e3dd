#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# dis on the real dump, compared with objdump -d of the debug vmlinux from
# the kernel's -dbg package (scripts/mkvmcore keeps it in the fixture):
# instruction boundaries and bytes, mnemonics, call targets; --diff lists
# exactly the instructions whose bytes in the dump (read with od from the
# ELF file, independently of kdive) differ from the file's: the sites the
# kernel patched at boot (ftrace, alternatives, static keys).
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
V=$FIX/vmlinux
check "the fixture has the debug vmlinux (objdump's input)" test -s "$V"
command -v objdump >/dev/null || { not_ok "objdump is installed"; done_testing; }
vmci() { truth vmcoreinfo_sysfs | sed -n "s/^$1=//p"; }
OFF=$((0x$(vmci KERNELOFFSET)))
PHYS_BASE=$(vmci 'NUMBER(phys_base)')
readelf -lW "$D" | awk '$1 == "LOAD" { print $2, $4, $5 }' >"$TMP/loads"
file_offset() {
	local o p s
	while read -r o p s; do
		if (($1 >= p && $1 < p + s)); then echo $((o + $1 - p)); return; fi
	done <"$TMP/loads"
}
# Link-time start and end of a function from the real System.map.
bounds() {
	awk -v f="$1" '$3 == f && !s { s = $1; next } s && $1 != s { print s, $1; exit }' <(sort "$FIX/System.map")
}
norm_mn() { # mnemonic family: both tools, same rule
	awk '{ m = $1; if (length(m) > 3 && m ~ /[bwlq]$/) m = substr(m, 1, length(m) - 1); print m }'
}

for f in schedule do_exit vfs_read __schedule; do
	read -r lo hi < <(bounds "$f")
	lo=$((0x$lo))
	hi=$((0x$hi))
	len=$((hi - lo))
	# objdump: "linkaddr bytes|mnemonic"
	objdump -d --insn-width=16 --start-address=$lo --stop-address=$hi "$V" |
		awk -F'\t' '/^ *[0-9a-f]+:\t/ { a = $1; sub(/^ */, "", a); sub(/:$/, "", a); b = $2; gsub(/ /, "", b);
			n = split($3, w, " "); k = 1   # objdump prints prefixes as words
			while (k < n && w[k] ~ /^(data16|cs|ds|es|ss|rex|rex\.W|lock|notrack|bnd|rep|repz|repnz|repe|repne)$/) k++
			print a, b, w[k] }' >"$TMP/obj"
	# the dump's own bytes for the same range, through the ELF file.
	pa=$((lo + OFF - 0xffffffff80000000 + PHYS_BASE))
	dump_hex=$(od -An -v -tx1 -j "$(file_offset $pa)" -N $len "$D" | tr -d ' \n')
	# Classify objdump's instructions by offset in the function: same bytes
	# in the dump, or patched.  (awk works on the low 32 bits: mawk's numbers
	# are doubles.)
	awk -v hex="$dump_hex" -v lo=$((lo & 0xffffffff)) -v same="$TMP/same" -v diff="$TMP/diff" '
		function h2n(x,   i, n) { n = 0; for (i = 1; i <= length(x); i++) n = n * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1; return n }
		{ o = (h2n(substr($1, length($1) - 7)) - lo + 4294967296) % 4294967296
		  if (substr(hex, o * 2 + 1, length($2)) == $2) print o, $2, $3 > same; else print o > diff }' "$TMP/obj"
	touch "$TMP/same" "$TMP/diff"
	rtlo=$(((lo + OFF) & 0xffffffff))
	# kdive's addresses as offsets the same way
	to_off() { awk -v lo=$rtlo 'function h2n(x,   i, n) { n = 0; for (i = 1; i <= length(x); i++) n = n * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1; return n }
		{ $1 = (h2n(substr($1, length($1) - 7)) - lo + 4294967296) % 4294967296; print }'; }
	run_kd -c "dis --json $f" "$D"
	expect_eq "dis $f: exit 0" 0 "$rc"
	jq -r '.[] | "\(.address | ltrimstr("0x")) \(.bytes) \(.mnemonic | sub("^((lock|rep|repz|repnz|repe|repne|notrack|bnd) )+"; ""))"' "$TMP/out" | to_off >"$TMP/kd"
	last=$(tail -n 1 "$TMP/kd")
	read -r la lb _ <<<"$last"
	expect_eq "dis $f: ends where the next symbol starts ($(wc -l <"$TMP/obj") instructions in objdump)" \
		"$len" "$((la + ${#lb} / 2))"
	# Every unpatched instruction: same address, same bytes, same mnemonic family.
	cut -d' ' -f1,2 "$TMP/same" | sort >"$TMP/same.ab"
	cut -d' ' -f1,2 "$TMP/kd" | sort >"$TMP/kd.ab"
	missing=$(comm -23 "$TMP/same.ab" "$TMP/kd.ab" | head -n 3 | tr '\n' ';')
	expect_eq "dis $f: every unpatched instruction at the same address with the same bytes ($(wc -l <"$TMP/same") of them)" "" "$missing"
	# objdump drops the size suffix where the operands imply it; capstone keeps it.
	mism=$(join <(awk '{ print $1, $3 }' "$TMP/same" | sort) <(awk '{ print $1, $3 }' "$TMP/kd" | sort) |
		awk '{ m1 = $2; m2 = $3   # 66 90: objdump "xchg %ax,%ax", capstone "nop"
			if (m1 != m2 && !(m2 ~ /[bwlq]$/ && substr(m2, 1, length(m2) - 1) == m1) && !(m1 == "xchg" && m2 ~ /^nop/))
				print $1 ":" m1 "/" m2 }' |
		head -n 3 | tr '\n' ';')
	expect_eq "dis $f: same mnemonics as objdump (suffixes aside)" "" "$mism"
	run_kd -c "dis --json --diff $V $f" "$D"
	expect_eq "dis --diff $f lists exactly the $(wc -l <"$TMP/diff") patched instructions" \
		"$(sort "$TMP/diff" | tr '\n' ' ')" "$(jq -r '.[].address | ltrimstr("0x")' "$TMP/out" | to_off | sort | tr '\n' ' ')"
done

# Symbolized call targets, crash's text layout.
run_kd -c 'dis schedule' "$D"
check "dis schedule: the call to __schedule is named" grep -qP '^0x[0-9a-f]{16} <schedule\+\d+>:\tcall   0x[0-9a-f]{16} <__schedule>$' "$TMP/out"
check "dis: first line is <schedule>" grep -qP '^0x[0-9a-f]{16} <schedule>:\t' "$TMP/out"
run_kd -c 'dis -r schedule+67' "$D"
check "dis -r ends at the address" sh -c "tail -n 1 '$TMP/out' | grep -q '<schedule+67>:'"
check "dis -r starts at the function" sh -c "head -n 1 '$TMP/out' | grep -q '<schedule>:'"
run_kd -c 'dis -f schedule+67 | head -n 1' "$D"
check "dis -f starts at the address" grep -q '<schedule+67>:' "$TMP/out"
run_kd -c 'dis -b schedule 2' "$D"
check "dis -b shows the bytes" grep -qP '<schedule\+5>:\t55 ' "$TMP/out"
run_kd -c 'dis -i schedule 3' "$D"
check "dis -i: Intel syntax" grep -qP '\tpush   rbp$' "$TMP/out"
run_kd -c "dis --file $V schedule 1" "$D"
check "dis --file: the file's bytes (call __fentry__ before ftrace patched it)" grep -q 'call   0x[0-9a-f]* <__fentry__>' "$TMP/out"
# Module code: the guest's /proc/modules gives the dummy module's address.
mbase=$(truth modules | awk '$1 == "dummy" { print $NF }')
run_kd -c "dis $mbase 2" "$D"
check "dis of module code names the module: <sym [dummy]>" grep -qE '^0x[0-9a-f]{16} <[a-z_]+ \[dummy\]>:' "$TMP/out"
run_kd -c 'dis 0xffffc90000000000' "$D"
expect_eq "dis of an unmapped address: exit 1" 1 "$rc"
check "...naming the address" grep -q '^dis: .*0xffffc90000000000.* not mapped' "$TMP/err"
run_kd -c 'dis nosuchsymbol_xyz' "$D"
expect_eq "dis of an unknown symbol: exit 1" 1 "$rc"
done_testing
