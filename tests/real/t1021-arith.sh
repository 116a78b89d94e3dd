#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# eval, ascii, btop, ptob, ptov and pte against their definitions: the
# shell's own arithmetic and printf, the kernel's bit layouts
# (arch/x86/include/asm/pgtable_types.h, pgtable_64.h), the guest's page size
# and kallsyms (truth), and for ptov the same bytes read by physical address.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
field() { sed -n "s/^ *$1: //p" "$TMP/out"; }
bin64() { python3 -c "print(format($1 & (2**64 - 1), '064b'))"; }

# eval: each expression against the shell's (64-bit) arithmetic.
for e in '(1 << 20) + 4096' '0x41dc065' '100 / 7' '100 % 7' '((0xff ^ 0x0f) | 0x100)' \
	'3 * (5 + 0x10) - 2' '(1 << 63)' '(0x10 >> 2) & 6'; do
	want=$(($e))
	run_kd -c "eval $e" "$D"
	expect_eq "eval $e: hexadecimal" "$(printf %x "$want")" "$(field hexadecimal | cut -d' ' -f1)"
	expect_eq "eval $e: octal" "$(printf %o "$want")" "$(field octal)"
	expect_eq "eval $e: binary" "$(bin64 "$want")" "$(field binary)"
done
run_kd -c 'eval 100' "$D"
expect_eq "eval 100 is decimal (crash: digits only)" "64" "$(field hexadecimal)"
run_kd -c 'eval 1a' "$D"
expect_eq "eval 1a is hexadecimal (has a letter)" "26" "$(field decimal)"
run_kd -c 'eval 128m' "$D"
expect_eq "eval 128m: the MB shorthand" "8000000  (128MB)" "$(field hexadecimal)"
run_kd -c 'eval 3g + 4k' "$D"
expect_eq "eval 3g + 4k: KB shorthand" "c0001000  (3145732KB)" "$(field hexadecimal)"
run_kd -c 'eval 0 - 1' "$D"
expect_eq "eval 0 - 1: unsigned and signed decimal" "18446744073709551615  (-1)" "$(field decimal)"
run_kd -c 'eval ~0x0f' "$D"
expect_eq "eval ~0x0f" "fffffffffffffff0" "$(field hexadecimal)"
run_kd -c 'eval -b 41dc065' "$D"
want=$(python3 -c "v=0x41dc065; print(' '.join(str(i) for i in range(63, -1, -1) if v >> i & 1))")
expect_eq "eval -b: the bits set, high to low" "$want" "$(field 'bits set')"
init=$(truth kallsyms | awk '$1 == "init_task" { print $2 }')
run_kd -c 'eval init_task + 0x10' "$D"
expect_eq "eval init_task + 0x10 (the guest's kallsyms)" "$(python3 -c "print('%x' % (0x$init + 16))")" "$(field hexadecimal)"
run_kd -c 'eval (1 | 6) * 2 --json' "$D"
expect_eq "eval --json: decimal" "14" "$(jq -r .decimal "$TMP/out")"
run_kd -c 'eval 1 / 0' "$D"
expect_eq "eval 1 / 0 fails" "1" "$rc"
check "eval 1 / 0 says division by zero" grep -q 'eval: division by zero' "$TMP/err"
run_kd -c 'eval (1 <<' "$D"
expect_eq "eval (1 << fails" "1" "$rc"
run_kd -c 'eval no_such_symbol_x' "$D"
expect_eq "eval of an unknown name fails" "1" "$rc"

# ascii: the bytes in memory (little-endian) order.
run_kd -c 'ascii 62696c2f7273752f 0x7f454c46' "$D"
expect_eq "ascii 62696c2f7273752f" "62696c2f7273752f: $(printf '\057usr\057lib')" "$(sed -n 1p "$TMP/out")"
expect_eq "ascii 0x7f454c46 (non-printable as <xx>)" "7f454c46: FLE<7f>" "$(sed -n 2p "$TMP/out")"
run_kd -c 'ascii' "$D"
expect_eq "ascii chart: 16 rows and 2 header lines" "18" "$(wc -l <"$TMP/out")"
check "ascii chart row 1: SOH DC1 ! 1 A Q a q" grep -Eq '^  1 \| SOH +DC1 +! +1 +A +Q +a +q$' "$TMP/out"
run_kd -c 'ascii --json' "$D"
expect_eq "ascii --json: 128 characters, 'A' is 65" "128 65" \
	"$(jq -r '"\(length) \(.[] | select(.name == "A") | .code)"' "$TMP/out")"

# btop, ptob: shifts by the guest's page size.
shift=$(python3 -c "print(($(truth pagesize)).bit_length() - 1)")
run_kd -c 'btop 512a123 fffff000; ptob 512a 1' "$D"
expect_eq "btop, ptob" "512a123: $(printf %x $((0x512a123 >> shift)))
fffff000: $(printf %x $((0xfffff000 >> shift)))
512a: $(printf %x $((0x512a << shift)))
1: $(printf %x $((1 << shift)))" "$(cat "$TMP/out")"

# ptov: the direct map's address holds the same bytes as the physical one.
for pa in 1000 100000 56e000; do
	run_kd -c "ptov $pa" "$D"
	va=$(awk 'NR == 2 { print $1 }' "$TMP/out")
	expect_eq "ptov $pa: PHYSICAL column" "$pa" "$(awk 'NR == 2 { print $2 }' "$TMP/out")"
	"$KDIVE" -n -c "rd -p $pa 8" "$D" | sed 's/^[^:]*://' >"$TMP/phys"
	"$KDIVE" -n -c "rd $va 8" "$D" | sed 's/^[^:]*://' >"$TMP/virt"
	check "ptov $pa: rd $va reads what rd -p $pa reads" cmp -s "$TMP/phys" "$TMP/virt"
done
# ptov OFFSET:CPUS: offset + __per_cpu_offset[cpu] (rd of the array).
run_kd -c 'ptov runqueues:a' "$D"
rq=$(truth kallsyms | awk '$1 == "runqueues" { print $2 }')
pco=$("$KDIVE" -n -c "rd -64 __per_cpu_offset $(truth nr_cpus)" "$D" | sed 's/^[^:]*://' | tr -s ' \n' ' ')
want=$(python3 -c "
for i, o in enumerate('$pco'.split()):
    print('  [%d]  %016x' % (i, (int('$rq', 16) + int(o, 16)) % 2**64))")
expect_eq "ptov runqueues:a: runqueues + __per_cpu_offset[cpu]" "$want" "$(sed -n '3,$p' "$TMP/out")"

# pte: the physical address (bits 12..51) and the flag bits of x86_64.
run_kd -c 'pte 8000000013a001e1' "$D"
expect_eq "pte 8000000013a001e1" "8000000013a001e1  0000000013a00000  (PRESENT|ACCESSED|DIRTY|PSE|GLOBAL|NX)" \
	"$(sed -n 2p "$TMP/out")"
run_kd -c 'pte 0x67 --json' "$D"
expect_eq "pte 0x67 --json" "0x0 PRESENT|RW|USER|ACCESSED|DIRTY" "$(jq -r '.[0] | "\(.physical) \(.flags)"' "$TMP/out")"
# A swap entry as __swp_entry(type 1, offset 0x22) builds it (pgtable_64.h:
# the offset inverted, shifted to bit 9, the type in the top 5 bits).
swp=$(python3 -c "print('%x' % ((((~0x22 << 14) & (2**64 - 1)) >> 5) | (1 << 59)))")
run_kd -c "pte $swp" "$D"
expect_eq "pte $swp: swap type 1, offset 34" "$(printf '%016x' 0x$swp)  1          34" "$(sed -n 2p "$TMP/out")"
done_testing
