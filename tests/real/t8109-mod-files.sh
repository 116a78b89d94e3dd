#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mod -s/-S on the amd64 fixture with the very .ko files the guest loaded
# (scripts/mkvmcore keeps them under kernels/RELEASE/modules).  Truth from
# outside kdive: readelf -n (build IDs), nm and the guest's
# /sys/module/M/sections (each symbol's address and size, truth format 3),
# pahole over the debug vmlinux (a module's struct from its .BTF: kdive has
# it from the kernel's own copy in the dump, with no file at all).
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
. "$KDIVE_SRCDIR/tests/real/mod-files.sh"
D=$FIX/vmcore.elf
rel=$(truth uname_r)
kodir=$KDIVE_FIXTURES/kernels/$rel/modules
mods=$(truth modules | awk '{ print $1 }')
check "the guest's modules' .ko files are kept ($kodir)" test -f "$kodir/loop.ko"

# Types with no file: the kernel keeps each module's BTF (btf_modules).
run_kd -c 'mod --json' "$D"
expect_eq "mod: every module's types come from memory before any file" \
	"$(for m in $mods; do echo "$m memory"; done)" "$(jq -r '.[] | "\(.name) \(.btf_from)"' "$TMP/out")"
# loop is merged first, qemu_fw_cfg last (its ids moved past the others').
for t in loop_device:loop fw_cfg_sysfs_entry:qemu_fw_cfg fw_cfg_vmcoreinfo:qemu_fw_cfg; do
	want=$(pahole_members "${t%%:*}" "$kodir/${t#*:}.ko" "$FIX/vmlinux")
	check "pahole reads struct ${t%%:*} from ${t#*:}.ko" test -n "$want"
	expect_eq "struct ${t%%:*} -o with no file: pahole's offsets ($(echo "$want" | wc -l) members)" "$want" \
		"$(kd_members "${t%%:*}" "$D")"
done

# mod -S DIR: every module, checked by build ID.
run_kd -c "mod -S $kodir --json" "$D"
expect_eq "mod -S DIR exits 0" 0 "$rc"
cp "$TMP/out" "$TMP/S"
for m in $mods; do
	want=$(readelf -n "$kodir/$m.ko" | sed -n 's/^ *Build ID: //p')
	expect_eq "mod -S: $m: the file's build ID (readelf), checked against memory's, no symbol elsewhere" \
		"$want $want true 0 $kodir/$m.ko" \
		"$(jq -r --arg m "$m" '.[] | select(.name == $m) | "\(.loaded.file_build_id) \(.build_id) \(.loaded.build_id_checked) \(.loaded.symbols_disagree) \(.object_file)"' "$TMP/S")"
	tid=$(truth module_sections | awk -v m="$m" '$1 == m && $2 == "build-id" { print $3 }')
	expect_eq "mod -S: $m: the build ID /sys/module/$m/notes showed the guest" "$want" "$tid"
	ko_placed "$m" "$kodir/$m.ko" >"$TMP/want"
	kd_placed "$m" "$D" "$kodir/$m.ko" >"$TMP/got"
	check "$m: nm and the guest's section addresses place symbols" test -s "$TMP/want"
	expect_eq "mod -s $m: every symbol of the .ko at its section's address in the guest, with nm's size ($(wc -l <"$TMP/want"))" \
		"" "$(LC_ALL=C comm -23 "$TMP/want" "$TMP/got" | head -n 5)"
done
run_kd -c "mod -S $kodir" "$D"
check "mod -S text: the OBJECT FILE column names the file" grep -qE "^[0-9a-f]{16}  loop  +[0-9a-f]{16} +[0-9]+  $kodir/loop.ko\$" "$TMP/out"

# Refused: another module's file, a file without the build ID.
run_kd -c "mod -s loop $kodir/dummy.ko" "$D"
expect_eq "mod -s loop dummy.ko is refused" "1 mod: $kodir/dummy.ko is module 'dummy', not 'loop'" "$rc $(cat "$TMP/err")"
objcopy --remove-section .note.gnu.build-id "$kodir/loop.ko" "$TMP/loop.ko"
run_kd -c "mod -s loop $TMP/loop.ko; sym -m loop" "$D"
check "mod -s: a loop.ko without the build ID is refused" grep -q "build ID (none) is not module loop's" "$TMP/err"
check "mod -s: ... and nothing was loaded" sh -c "! grep -q '$TMP/loop.ko' '$TMP/out'"
run_kd -c "mod -s loop $kodir/loop.ko; mod -s loop $kodir/loop.ko --json" "$D"
expect_eq "mod -s twice: the second does nothing" "true" "$(sed -n '/^\[/p' "$TMP/out" | tail -n 1 | jq -r '.[0].loaded.already')"

# Compressed files, found by module name ('-' in a file name is '_').
mkdir -p "$TMP/c/kernel/x"
xz -c "$kodir/loop.ko" >"$TMP/c/kernel/x/loop.ko.xz"
zstd -q -c "$kodir/qemu_fw_cfg.ko" >"$TMP/c/kernel/qemu-fw-cfg.ko.zst"
gzip -c "$kodir/dummy.ko" >"$TMP/c/dummy.ko.gz"
run_kd -c "mod -S $TMP/c --json" "$D"
expect_eq "mod -S: .ko.xz, .ko.zst, .ko.gz found and loaded" \
	"dummy $TMP/c/dummy.ko.gz true loop $TMP/c/kernel/x/loop.ko.xz true qemu_fw_cfg $TMP/c/kernel/qemu-fw-cfg.ko.zst true" \
	"$(jq -r '[.[] | select(.object_file) | "\(.name) \(.object_file) \(.loaded.build_id_checked)"] | sort | join(" ")' "$TMP/out")"
for m in $mods; do
	case $m in loop | dummy | qemu_fw_cfg) ;; *)
		check "mod -S: no file for $m there: a warning names it" grep -q "^warning: mod: no object file for module $m under $TMP/c\$" "$TMP/err" ;;
	esac
done

# The default directory is /lib/modules/RELEASE.
if [ ! -d "/lib/modules/$rel" ]; then
	run_kd -c 'mod -S' "$D"
	expect_eq "mod -S without DIR names /lib/modules/$rel" \
		"1 mod: no directory /lib/modules/$rel for the dump's release: give one (mod -S DIR)" "$rc $(cat "$TMP/err")"
fi
run_kd -c "mod -s nosuchmod $kodir" "$D"
expect_eq "mod -s: a module that is not loaded" "1 mod: no module 'nosuchmod' is loaded" "$rc $(cat "$TMP/err")"
done_testing
