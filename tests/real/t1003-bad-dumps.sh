#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Damaged and wrong input files: each gives one clear error line and exit 1.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

one_error() { # TITLE PATTERN
	expect_eq "$1: exit status 1" 1 "$rc"
	expect_eq "$1: one line on stderr" 1 "$(wc -l <"$TMP/err")"
	if grep -q "$2" "$TMP/err"; then ok "$1: says '$2'"; else not_ok "$1: says '$2'"; show "$TMP/err"; fi
}

head -c 1048576 "$FIX/vmcore.elf" >"$TMP/truncated"
run_kd -c sys "$TMP/truncated"
one_error "dump truncated to 1 MiB" "^kdive: cannot open '.*truncated' (ELF format): PT_LOAD [0-9]* .*runs past the end of the file.*truncated dump"

head -c 3000 "$FIX/vmcore.elf" >"$TMP/headers-only"
run_kd -c sys "$TMP/headers-only"
one_error "dump cut inside the headers" "^kdive: cannot open .*: .*truncated"

head -c 65536 /dev/urandom >"$TMP/garbage"
run_kd -c sys "$TMP/garbage"
one_error "random bytes" "^kdive: '.*garbage' is not a kernel dump kdive can read (unknown format)$"

: >"$TMP/empty"
run_kd -c sys "$TMP/empty"
one_error "empty file" "^kdive: '.*empty' is empty$"

run_kd -c sys "$TMP/does-not-exist"
one_error "missing file" "^kdive: cannot open '.*does-not-exist': No such file or directory$"

run_kd -c sys "$TMP"
one_error "a directory" "is a directory$"

run_kd -c sys "$FIX/vmlinuz"
one_error "a vmlinuz" "is a compressed kernel image (vmlinuz), not a vmlinux or a dump"

# An ELF that is not a core file (the kdive binary itself).
run_kd -c sys "$KDIVE"
one_error "an ELF executable" "ELF file is not a core dump"

# An ELF32 core (a 32-bit kernel's dump): refused by name.
head -c 8192 "$FIX/vmcore.elf" >"$TMP/elf32"
printf '\001' | dd of="$TMP/elf32" bs=1 seek=4 conv=notrunc 2>/dev/null
run_kd -c sys "$TMP/elf32"
one_error "an ELF32 dump" "^kdive: '.*elf32' is an ELF32 vmcore (a 32-bit .* kernel's dump), which kdive does not read$"

# A corrupted ELF header: program header offset pointing far past the end.
head -c 8192 "$FIX/vmcore.elf" >"$TMP/badphoff"
printf '\377\377\377\377' | dd of="$TMP/badphoff" bs=1 seek=32 conv=notrunc 2>/dev/null
run_kd -c sys "$TMP/badphoff"
one_error "e_phoff past the end" "^kdive: cannot open"
done_testing
