#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# --system-map and --vmlinux: their symbols are shifted by KERNELOFFSET and
# merged with the dump's kallsyms (the symbols kallsyms leaves out, such as
# kallsyms_names, then resolve to VMCOREINFO's values); a file of another
# build is refused with a message naming both files and saying what differs.
# crash's order: a vmlinux or System.map given beside the dump, before or
# after it, is taken as --vmlinux or --system-map.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
vmci() { truth vmcoreinfo_sysfs | sed -n "s/^SYMBOL($1)=//p"; }
names=$(vmci kallsyms_names)
init_task=$(truth kallsyms | awk '$1 == "init_task" { print $2 }')
check "the fixture has the real System.map and vmlinux (-dbg)" grep -q '^dbg=1$' "$FIX/info"

run_kd -c 'sym kallsyms_names' "$D"
expect_eq "without a file, kallsyms_names is unknown (kallsyms leaves it out)" \
	"sym: no symbol 'kallsyms_names'" "$(cat "$TMP/err")"

# The KASLR dump with the link-time System.map: shifted by KERNELOFFSET.
run_kd --system-map "$FIX/System.map" -c 'sym kallsyms_names; sym init_task; sym _stext' "$D"
expect_eq "--system-map: starts without a word on stderr" "" "$(cat "$TMP/err")"
expect_eq "--system-map: kallsyms_names is VMCOREINFO's SYMBOL(kallsyms_names)" \
	"$names (D) kallsyms_names" "$(sed -n 1p "$TMP/out")"
expect_eq "--system-map: init_task still the guest's" "$init_task (D) init_task" "$(sed -n 2p "$TMP/out")"
check "the map's own kallsyms_names is the unrelocated one" \
	sh -c "! grep -q '^$names ' '$FIX/System.map'"

# The nokaslr fixture's map is the same build: accepted and shifted.  The
# fixture is made here when the cache has none yet (serialised with the
# other tests that make it), so a fresh and a warm cache run the same checks.
nokaslr=$("$KDIVE_SRCDIR/scripts/mkvmcore" --quiet --nokaslr | tail -n 1) || nokaslr=
check "the nokaslr fixture (scripts/mkvmcore --nokaslr) has its System.map" test -f "$nokaslr/System.map"
run_kd --system-map "$nokaslr/System.map" -c 'sym kallsyms_names' "$D"
expect_eq "another fixture's map of the same build is accepted and shifted" \
	"$names (D) kallsyms_names" "$(cat "$TMP/out")"

# vmlinux: .symtab through libelf, with sizes.
run_kd --vmlinux "$FIX/vmlinux" -c 'sym kallsyms_names --json; sym init_task --json' "$D"
expect_eq "--vmlinux: starts without a word on stderr" "" "$(cat "$TMP/err")"
expect_eq "--vmlinux: kallsyms_names is VMCOREINFO's" "0x$names" "$(sed -n 1p "$TMP/out" | jq -r '.symbols[0].address')"
expect_eq "--vmlinux: init_task has its ELF size (the size of struct task_struct)" \
	"$(readelf -sW "$FIX/vmlinux" | awk '$8 == "init_task" { print $3; exit }')" \
	"$(sed -n 2p "$TMP/out" | jq -r '.symbols[0].size')"

# Files of another build.  A map whose linux_banner moved:
banner=$(awk '$3 == "linux_banner" { print $1 }' "$FIX/System.map")
moved=$(printf '%016x' $((0x$banner + 0x100)))
sed "s/^$banner D linux_banner\$/$moved D linux_banner/" "$FIX/System.map" >"$TMP/banner.map"
check "the edited map differs" sh -c "! cmp -s '$FIX/System.map' '$TMP/banner.map'"
run_kd --system-map "$TMP/banner.map" -c 'sym init_task' "$D"
expect_eq "a map with another linux_banner is refused (exit 1)" 1 "$rc"
check "the refusal says which symbol differs" \
	grep -qF "kdive: System.map '$TMP/banner.map' does not belong to the dump '$D': linux_banner is at " "$TMP/err"
expect_eq "nothing runs after the refusal" "" "$(cat "$TMP/out")"

# A map of a build laid out 2 MiB further (every address moved): _stext
# disagrees with VMCOREINFO.
perl -pe 's/^(ffff[0-9a-f]+)/sprintf("%016x", hex($1) + 0x200000)/e' \
	"$FIX/System.map" 2>/dev/null >"$TMP/shifted.map"
run_kd --system-map "$TMP/shifted.map" -c 'sym init_task' "$D"
expect_eq "a map of another layout is refused" 1 "$rc"
check "the refusal names _stext and VMCOREINFO" \
	grep -q "does not belong to the dump '.*': _stext is at .* in the dump (VMCOREINFO)" "$TMP/err"

# A vmlinux with another build ID (a tiny ELF made here).
cat >"$TMP/fake.c" <<'C'
const char linux_banner[] = "Linux version 0.0.0-fake";
int init_task;
void _stext(void) {}
C
cc -shared -fPIC -Wl,--build-id=sha1 -o "$TMP/fake.vmlinux" "$TMP/fake.c"
# and one linked as a kernel is (ET_EXEC), which the command line takes for a vmlinux
cc -nostdlib -static -no-pie -Wl,-e,_stext -Wl,--build-id=sha1 -o "$TMP/fake-exec.vmlinux" "$TMP/fake.c"
run_kd --vmlinux "$TMP/fake.vmlinux" -c 'sym init_task' "$D"
expect_eq "a vmlinux of another build is refused" 1 "$rc"
check "the refusal compares the build IDs" \
	grep -q "^kdive: vmlinux '$TMP/fake.vmlinux' does not belong to the dump '$D': its build ID is [0-9a-f]*, the dump's (VMCOREINFO BUILD-ID) is $(truth vmcoreinfo_sysfs | sed -n 's/^BUILD-ID=//p')\$" "$TMP/err"

# crash's order: the vmlinux or map beside the dump, in either position.
for order in "$FIX/vmlinux $D" "$D $FIX/vmlinux" "$FIX/System.map $D" "$D $FIX/System.map"; do
	# shellcheck disable=SC2086
	run_kd -c 'sym kallsyms_names' $order
	expect_eq "kdive ${order//$FIX\//}: kallsyms_names is VMCOREINFO's, nothing on stderr" \
		"0 $names (D) kallsyms_names " "$rc $(cat "$TMP/out") $(cat "$TMP/err")"
done
run_kd -c 'sym kallsyms_names' "$FIX/vmlinux" "$FIX/vmcore.kdump-zlib"
expect_eq "kdive vmlinux vmcore.kdump-zlib: the same" "$names (D) kallsyms_names" "$(cat "$TMP/out")"
run_kd -c 'sym init_task' "$TMP/fake-exec.vmlinux" "$D"
expect_eq "kdive OTHER-vmlinux vmcore: refused (exit 1), nothing runs" "1 " "$rc $(cat "$TMP/out")"
check "...naming both files" \
	grep -q "^kdive: vmlinux '$TMP/fake-exec.vmlinux' does not belong to the dump '$D': its build ID is " "$TMP/err"
run_kd -c 'sym init_task' "$D" "$TMP/banner.map"
expect_eq "kdive vmcore OTHER-System.map: refused (exit 1)" 1 "$rc"
check "...naming both files" \
	grep -qF "kdive: System.map '$TMP/banner.map' does not belong to the dump '$D': linux_banner is at " "$TMP/err"
run_kd -c 'sym init_task' --vmlinux "$FIX/vmlinux" "$TMP/fake-exec.vmlinux" "$D"
expect_eq "--vmlinux and another vmlinux beside the dump: one line, exit 1" \
	"1 kdive: two vmlinux files: '$FIX/vmlinux' and '$TMP/fake-exec.vmlinux' (give one)" "$rc $(cat "$TMP/err")"
run_kd -c 'sym init_task' "$TMP/fake.vmlinux" "$D"
expect_eq "an ELF shared object (not a kernel) beside the dump is not taken for a vmlinux" \
	"1 kdive: '$TMP/fake.vmlinux' is a dump in the ELF format: only kdump-compressed dumps come in several parts (makedumpfile --split)" \
	"$rc $(cat "$TMP/err")"
run_kd -c sys "$FIX/vmlinux"
if [ -r /proc/kcore ]; then
	ok "a vmlinux alone # SKIP this machine's /proc/kcore is readable: kdive vmlinux reads the live kernel, as crash does"
else
	check "a vmlinux alone, no readable /proc/kcore: says there is no dump and what the file is" \
		grep -qxF "('$FIX/vmlinux' is the vmlinux, not a dump)" <(sed 's/^kdive: no dump given, and .* (/(/' "$TMP/err")
fi
run_kd -c sys "$FIX/vmlinuz" "$D"
expect_eq "a vmlinuz beside the dump: one line saying what it is" \
	"1 kdive: '$FIX/vmlinuz' is a compressed kernel image (vmlinuz), not a vmlinux or a dump: give the dump alone, or with the debug vmlinux (e.g. from linux-image-*-dbg)" \
	"$rc $(cat "$TMP/err")"

# Unusable files: one clear line each.
run_kd --system-map "$TMP/missing.map" -c 'sym init_task' "$D"
expect_eq "a missing map: one line" "kdive: cannot open '$TMP/missing.map': No such file or directory" "$(cat "$TMP/err")"
printf 'not a map\n' >"$TMP/junk.map"
run_kd --system-map "$TMP/junk.map" -c 'sym init_task' "$D"
expect_eq "a file that is not a map: one line" \
	"kdive: '$TMP/junk.map' has no symbols in System.map format (1 lines)" "$(cat "$TMP/err")"
run_kd --vmlinux "$TMP/junk.map" -c 'sym init_task' "$D"
expect_eq "a vmlinux that is not ELF: one line" "kdive: '$TMP/junk.map' is not an ELF file" "$(cat "$TMP/err")"
done_testing
