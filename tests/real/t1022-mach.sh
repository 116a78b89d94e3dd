#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mach against what the guest and its kernel package say: HZ against the
# kernel's config (CONFIG_HZ, from the Debian package), the memory map
# against the guest's /proc/iomem (the kernel makes its top-level System RAM
# and Reserved resources from the e820 table), the IRQ stacks against
# /proc/vmallocinfo (each CPU's stack is a vmap of IRQ_STACK_SIZE plus a
# guard page, by irq_init_percpu_irqstack), the bases against `layout`.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
field() { sed -n "s/^ *$1: //p" "$TMP/out"; }

run_kd -c mach "$D"
expect_eq "mach exits 0" 0 "$rc"
expect_eq "mach prints nothing on stderr" "" "$(cat "$TMP/err")"
expect_eq "MACHINE TYPE" "x86_64" "$(field 'MACHINE TYPE')"
expect_eq "CPUS" "$(truth nr_cpus)" "$(field CPUS)"
expect_eq "PAGE SIZE" "$(truth pagesize)" "$(field 'PAGE SIZE')"
expect_eq "HZ is the kernel's CONFIG_HZ" "$(sed -n 's/^CONFIG_HZ=//p' "$FIX/config")" "$(field HZ)"
expect_eq "KERNEL START MAP is __START_KERNEL_map" "ffffffff80000000" "$(field 'KERNEL START MAP')"
# IRQ stacks: one vmap per CPU of IRQ STACK SIZE + one guard page.
size=$(field 'IRQ STACK SIZE')
expect_eq "one IRQ stack vmap of $size + $(truth pagesize) bytes per CPU" "$(truth nr_cpus)" \
	"$(truth vmallocinfo | awk -v n=$((size + $(truth pagesize))) '$2 == n && $3 ~ /^irq_init_percpu_irqstack/' | wc -l)"
expect_eq "KERNEL STACK SIZE is the IRQ stack size (x86_64)" "$size" "$(field 'KERNEL STACK SIZE')"
# Each IRQ stack base is page-aligned inside the vmalloc area and readable.
vbase=$(field 'KERNEL VMALLOC BASE')
sed -n 's/^ *CPU [0-9]*: //p' "$TMP/out" >"$TMP/irq"
expect_eq "an IRQ stack line per CPU" "$(truth nr_cpus)" "$(wc -l <"$TMP/irq")"
while read -r base; do
	check "IRQ stack $base is page-aligned, at or above the vmalloc base $vbase" \
		python3 -c "import sys; b=int('$base',16); sys.exit(not (b % $(truth pagesize) == 0 and b >= int('$vbase',16)))"
	check "IRQ stack $base is mapped" "$KDIVE" -n -c "rd $base 1" "$D"
done <"$TMP/irq"
# The bases are the ones layout shows.
run_kd -c 'mach --json' "$D"
check "mach --json is valid" sh -c "jq -e . '$TMP/out' >/dev/null"
expect_eq "--json hz" "$(sed -n 's/^CONFIG_HZ=//p' "$FIX/config")" "$(jq -r .hz "$TMP/out")"
"$KDIVE" -n -c 'layout --json' "$D" >"$TMP/layout" 2>/dev/null
expect_eq "virtual_base is layout's direct map start" \
	"$(jq -r '.. | objects | select(.name? == "direct map") | .start' "$TMP/layout" | head -n 1)" \
	"$(jq -r .virtual_base "$TMP/out")"

# mach -m: every top-level System RAM / Reserved range of /proc/iomem is an
# e820 entry of that type with the same bounds.
run_kd -c 'mach -m' "$D"
expect_eq "mach -m exits 0" 0 "$rc"
truth iomem | grep -E '^[0-9a-f]+-[0-9a-f]+ : (System RAM|Reserved)$' | while IFS=' ' read -r range _ kind _; do
	lo=${range%-*}
	hi=${range#*-}
	t=E820_TYPE_RAM
	[ "$kind" = System ] || t=E820_TYPE_RESERVED
	printf '%016x - %016x  %s\n' "0x$lo" "$((0x$hi + 1))" "$t"
done >"$TMP/want"
check "iomem has System RAM ranges" grep -q E820_TYPE_RAM "$TMP/want"
check "each of iomem's $(wc -l <"$TMP/want") System RAM/Reserved ranges is an e820 entry" \
	sh -c "grep -vxF -f '$TMP/out' '$TMP/want' | { ! grep .; }"

# mach -c: one cpuinfo per CPU, its cpu_index that CPU.
run_kd -c 'mach -c' "$D"
expect_eq "mach -c exits 0" 0 "$rc"
expect_eq "mach -c: cpu_index 0..N-1" "$(seq 0 $(($(truth nr_cpus) - 1)) | paste -sd ' ')" \
	"$(sed -n 's/^ *cpu_index = \([0-9]*\),$/\1/p' "$TMP/out" | paste -sd ' ')"
run_kd -c 'mach -c --json' "$D"
expect_eq "mach -c --json: one object per CPU" "$(truth nr_cpus)" "$(jq length "$TMP/out")"
run_kd -c 'mach -c -m' "$D"
expect_eq "mach -c -m is a usage error" 1 "$rc"
done_testing
