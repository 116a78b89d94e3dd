#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mod on the real dumps against /proc/modules as the guest read it (name,
# size, reference count, state, address), the build IDs of the very .ko
# files the guest loaded (readelf -n), and /proc/sys/kernel/tainted.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

check_mod() { # LABEL DUMP-FILES...
	local label=$1
	shift
	run_kd -c 'mod --json' "$@"
	expect_eq "$label: mod --json exits 0" 0 "$rc"
	[ "$rc" = 0 ] || { show "$TMP/err"; return; }
	# /proc/modules: name size refcount deps state address (kernel/module/procfs.c).
	expect_eq "$label: every module of /proc/modules, in order: name size refcount state address" \
		"$(truth modules | awk '{ print $1, $2, $3, $5, $6 }')" \
		"$(jq -r '.[] | "\(.name) \(.size) \(.refcount) \(.state) \(.base)"' "$TMP/out")"
}
check_mod "kaslr elf" "$FIX/vmcore.elf"
check_mod "kaslr kdump-zlib (-d 31)" "$FIX/vmcore.kdump-zlib"
check_mod "kaslr split set" "$FIX/vmcore.split.1" "$FIX/vmcore.split.2"
D=$FIX/vmcore.elf

run_kd -c 'mod --json' "$D"
kodir=$KDIVE_FIXTURES/kernels/$(truth uname_r)/modules
for m in $(truth modules | awk '{ print $1 }'); do
	ko=$kodir/$m.ko
	if [ -f "$ko" ] && command -v readelf >/dev/null; then
		want=$(readelf -n "$ko" | sed -n 's/^ *Build ID: //p')
	else
		want="($ko or readelf missing)"
	fi
	expect_eq "mod: the build ID of $m in memory is its .ko's" "$want" \
		"$(jq -r --arg m "$m" '.[] | select(.name == $m) | .build_id' "$TMP/out")"
done

run_kd -c 'mod' "$D"
check "mod text: crash's header" grep -q '^     MODULE       NAME                         BASE          SIZE  OBJECT FILE$' "$TMP/out"
first=$(truth modules | head -n 1)
check "mod text: the first module's line" grep -qE "^[0-9a-f]{16}  $(echo "$first" | awk '{ print $1 }') +$(echo "$first" | awk '{ print substr($6, 3) }') +$(echo "$first" | awk '{ print $2 }')  \\(not loaded\\)  \\[CONFIG_KALLSYMS\\]\$" "$TMP/out"
expect_eq "mod text: one line per module" "$(truth modules | wc -l)" "$(($(wc -l <"$TMP/out") - 1))"

# Taints: the kernel's mask is the guest's /proc/sys/kernel/tainted; a module
# taint would show in it (and in /proc/modules as "(OE)").
run_kd -c 'mod -t' "$D"
if [ "$(truth tainted)" = 0 ] && ! truth modules | grep -q '(.*)'; then
	expect_eq "mod -t: no module is tainted, as the guest saw" "no tainted modules" "$(cat "$TMP/out")"
else
	check "mod -t: the tainted modules are listed" grep -q '^NAME  *TAINTS$' "$TMP/out"
fi

m=$(truth modules | tail -n 1 | awk '{ print $1 }')
run_kd -c "mod --json $m" "$D"
expect_eq "mod NAME: that module only" "$m" "$(jq -r '.[].name' "$TMP/out")"
run_kd -c "mod no_such_module" "$D"
expect_eq "mod NAME: an unknown module is an error" 1 "$rc"
done_testing
