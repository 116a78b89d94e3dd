#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# irq on the real dumps against /proc/interrupts and /proc/softirqs as the
# guest recorded them: the numbered IRQs, their chip, hardware IRQ, flow and
# action names exactly; the per-CPU counts never below the recorded ones
# (the guest kept running between the recording and the dump: the serial
# ports count the recording itself).
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

ncpu=$(truth nr_cpus)
# "  0:   68   0   IO-APIC   2-edge   timer" -> "0 IO-APIC 2-edge timer" and "0 68 0"
truth interrupts | awk '$1 ~ /^[0-9]+:$/' >"$TMP/t"
want_desc=$(awk -v n="$ncpu" '{ sub(":", "", $1); l = $1; for (i = n + 2; i <= NF; i++) l = l " " $i; print l }' "$TMP/t")
want_names=$(awk -v n="$ncpu" '{ sub(":", "", $1); l = $1; for (i = n + 4; i <= NF; i++) l = l " " $i; print l }' "$TMP/t")

check_fixture() { # LABEL DUMP-FILES...
	local label=$1
	shift
	run_kd -c 'irq -s --json' "$@"
	expect_eq "$label: irq -s --json exits 0" 0 "$rc"
	got=$(jq -r '.[] | "\(.irq) \(.chip) \(.hwirq)-\(.flow) \(.actions)"' "$TMP/out")
	expect_eq "$label: irq -s: IRQs, chips, hwirq-flow and actions as /proc/interrupts" "$want_desc" "$got"
	jq -r '.[] | "\(.irq) \(.counts | join(" "))"' "$TMP/out" >"$TMP/c"
	low=$(awk -v n="$ncpu" '{ sub(":", "", $1); l = $1; for (i = 2; i <= n + 1; i++) l = l " " $i; print l }' "$TMP/t" |
		while read -r irq rest; do
			read -r -a w <<<"$rest"
			read -r -a g <<<"$(awk -v i="$irq" '$1 == i { $1 = ""; print }' "$TMP/c")"
			for k in "${!w[@]}"; do
				[ "${g[$k]:-0}" -ge "${w[$k]}" ] || echo "irq $irq cpu $k: ${g[$k]:-none} < ${w[$k]}"
			done
		done)
	expect_eq "$label: irq -s: no per-CPU count below the recorded one" "" "$low"
	run_kd -c 'irq --json' "$@"
	got=$(jq -r '.[] | select(.actions | length > 0) | "\(.irq) \([.actions[].name] | join(", "))"' "$TMP/out")
	expect_eq "$label: irq: the IRQs with actions and their names" "$want_names" "$got"
}

check_fixture "kaslr elf" "$FIX/vmcore.elf"
check_fixture "kaslr kdump-lzo (-d 31)" "$FIX/vmcore.kdump-lzo"

D=$FIX/vmcore.elf
run_kd -c 'irq -s' "$D"
expect_eq "irq -s text: /proc/interrupts' CPU header" "$(truth interrupts | head -n 1)" "$(head -n 1 "$TMP/out")"
run_kd -c irq "$D"
check "irq text: crash's header" grep -q '^ IRQ   IRQ_DESC/_DATA      IRQACTION      NAME$' "$TMP/out"
check "irq text: IRQ 0 is \"timer\"" grep -qE '^   0   [0-9a-f]{16}  [0-9a-f]{16}  "timer"$' "$TMP/out"
run_kd -c 'irq -b --json' "$D"
# /proc/softirqs names the vectors in order: HI TIMER NET_TX NET_RX ...
n=$(truth softirqs | awk 'NR > 1' | wc -l)
expect_eq "irq -b: one vector per /proc/softirqs line" "$n" "$(jq length "$TMP/out")"
expect_eq "irq -b: TIMER runs run_timer_softirq" "run_timer_softirq" "$(jq -r '.[1].symbol' "$TMP/out")"
run_kd -c 'irq -a --json' "$D"
all="0-$((ncpu - 1))"
[ "$ncpu" = 1 ] && all=0
expect_eq "irq -a: IRQ 0's affinity is every CPU" "$all" "$(jq -r '.[] | select(.irq == 0) | .affinity' "$TMP/out")"
done_testing
