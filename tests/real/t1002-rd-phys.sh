#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# rd -p on the real QEMU ELF dump returns the bytes stored in the ELF file at
# that segment's offset (segments read with readelf, bytes with od), and the
# kernel's own linux_banner is where the guest's kallsyms says it is.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
before=$(stat -c '%Y %s' "$D")

# PT_LOADs: offset paddr filesz
readelf -lW "$D" | awk '$1 == "LOAD" { print $2, $4, $5 }' >"$TMP/loads"
check "readelf finds the dump's PT_LOAD segments" test -s "$TMP/loads"

file_offset() { # paddr -> file offset, from readelf's view of the segments
	local o p s
	while read -r o p s; do
		if (($1 >= p && $1 < p + s)); then
			echo $((o + $1 - p))
			return
		fi
	done <"$TMP/loads"
}
norm() { tr -s ' \n' '  ' | sed 's/^ //; s/ $//'; }

for addr in 0x1000 0x9f000 0x100000 0x1000000 0x1fffffc0 0xfffc0000 0xffffffc0; do
	off=$(file_offset $addr)
	for unit in 8 16 32 64; do
		bytes=64
		count=$((bytes * 8 / unit))
		run_kd -c "rd -p -$unit -x $addr $count" "$D"
		got=$(sed 's/^ *[0-9a-f]*:  //' "$TMP/out" | norm)
		want=$(od -An -v -tx$((unit / 8)) -j "$off" -N $bytes "$D" | norm)
		expect_eq "rd -p -$unit $addr $count equals the ELF file bytes at offset $off" "$want" "$got"
	done
done

# The layout crash users parse: address, two 64-bit words, ASCII.
run_kd -c 'rd -p 0x1000 4' "$D"
check "rd layout: right-aligned address, colon, two words, ASCII" \
	grep -Eq '^    1000:  [0-9a-f]{16} [0-9a-f]{16}   .{16}$' "$TMP/out"
expect_eq "rd -p 0x1000 4 prints two lines" 2 "$(wc -l <"$TMP/out")"

# linux_banner: the guest's kallsyms address, through the kernel-text mapping
# (va - __START_KERNEL_map + phys_base), holds "Linux version <uname -r>".
banner_va=$(truth kallsyms | awk '$1 == "linux_banner" { print $2 }')
phys_base=$(truth vmcoreinfo_sysfs | sed -n 's/^NUMBER(phys_base)=//p')
banner_pa=$(printf '0x%x' $((0x$banner_va - 0xffffffff80000000 + phys_base)))
run_kd -c "rd -p -a $banner_pa" "$D"
check "rd -p -a at linux_banner ($banner_pa) reads 'Linux version $(truth uname_r)'" \
	grep -q "^ *${banner_pa#0x}:  Linux version $(truth uname_r) " "$TMP/out"
run_kd -c "rd -p -a $banner_pa --json" "$D"
check "rd -a --json string starts with the banner" \
	sh -c "jq -er .string '$TMP/out' | grep -q '^Linux version $(truth uname_r) '"

# Missing memory: a clear error naming the address, exit status 1.
run_kd -c 'rd -p 0x30000000' "$D"
expect_eq "address outside the dump: exit 1" 1 "$rc"
expect_eq "address outside the dump: one error line" "rd: physical address 0x30000000 is not in the dump" "$(cat "$TMP/err")"
run_kd -c 'rd -p 0x1ffffff0 4' "$D"
expect_eq "read running off the end: prints the readable line" 1 "$(wc -l <"$TMP/out")"
expect_eq "read running off the end: names the first missing address" \
	"rd: physical address 0x20000000 is not in the dump" "$(cat "$TMP/err")"
run_kd -c 'rd 0xffffffff81000000' "$D"
check "rd without -p: a kernel virtual address (here unmapped: KASLR moved the kernel)" grep -q '^rd: 0xffffffff81000000 is not mapped: PMD entry' "$TMP/err"
run_kd -c 'rd -p -q 0' "$D"
check "unknown option: error and usage" sh -c "grep -q \"^rd: unknown option '-q'\" '$TMP/err' && grep -q '^usage: rd ' '$TMP/err'"

# --json, pipes and redirections on real output.
run_kd -c 'rd -p 0x1000 5 --json' "$D"
expect_eq "rd --json has 5 values" 5 "$(jq '.values | length' "$TMP/out")"
expect_eq "rd --json address" '"0x1000"' "$(jq .address "$TMP/out")"
run_kd -c "rd -p 0x100000 64 | wc -l" "$D"
expect_eq "rd | wc -l counts the lines" 32 "$(norm <"$TMP/out")"
run_kd -c "rd -p 0x100000 64 > $TMP/r1; rd -p 0x100000 2 >> $TMP/r1" "$D"
expect_eq "> then >> writes 33 lines to the file" 33 "$(wc -l <"$TMP/r1")"
expect_eq "nothing on stdout when redirected" "" "$(cat "$TMP/out")"
run_kd -c "rd -p 0x100000 100000 | head -n 1" "$D"
expect_eq "a reader that exits early (head) is not an error" 0 "$rc"

expect_eq "the dump file's mtime and size are unchanged" "$before" "$(stat -c '%Y %s' "$D")"
done_testing
