#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A QEMU dump-guest-memory ELF made without -device vmcoreinfo (no VMCOREINFO
# note): kdive derives KASLR offset, phys_base, paging mode and the kallsyms
# tables from the saved CPU state and the page tables, says so once, and sys,
# sym, rd, ps (and log) work.  Expected values come from the guest: its
# uname -r, its /proc/kallsyms, the kernel's own VMCOREINFO text (read from
# /proc/kcore in the guest) and its task list.
. "$KDIVE_SRCDIR/tests/lib.sh"
MKVMCORE_ARGS=--no-vmcoreinfo
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf

run_kd -c 'dumpinfo --json' "$D"
expect_eq "dumpinfo --json exits 0" 0 "$rc"
check "the dump really has no VMCOREINFO note" \
	sh -c "[ \$(jq '[.notes[] | select(.name == \"VMCOREINFO\")] | length' '$TMP/out') -eq 0 ]"
expect_eq "VMCOREINFO source says it was derived" "derived from CPU state and page tables" \
	"$(jq -r .vmcoreinfo_source "$TMP/out")"
expect_eq "one warning at open" 1 "$(wc -l <"$TMP/err")"
check "the warning says VMCOREINFO was derived" grep -q 'no VMCOREINFO: derived it from the CPU state and page tables' "$TMP/err"
# Each derived entry equals the kernel's own VMCOREINFO text.
for k in OSRELEASE KERNELOFFSET 'NUMBER(phys_base)' 'NUMBER(pgtable_l5_enabled)' \
	'SYMBOL(init_top_pgt)' 'SYMBOL(_stext)' 'SYMBOL(kallsyms_names)' 'SYMBOL(kallsyms_num_syms)' \
	'SYMBOL(kallsyms_token_table)' 'SYMBOL(kallsyms_token_index)' 'SYMBOL(kallsyms_offsets)' \
	'SYMBOL(kallsyms_relative_base)' 'SYMBOL(prb)'; do
	want=$(truth vmcoreinfo_sysfs | grep -F -m1 "$k=" | cut -d= -f2-)
	expect_eq "derived $k equals the guest's" "$want" "$(jq -r --arg k "$k" '.vmcoreinfo[$k]' "$TMP/out")"
done

run_kd -c sys "$D"
expect_eq "sys exits 0" 0 "$rc"
expect_eq "sys: KERNEL is the guest's uname -r" "$(truth uname_r)" "$(sed -n 's/^ *KERNEL: //p' "$TMP/out")"
expect_eq "sys: CPUS" "$(truth nr_cpus)" "$(sed -n 's/^ *CPUS: //p' "$TMP/out")"

# sym NAME for every /proc/kallsyms value the guest recorded.
truth kallsyms >"$TMP/ks"
check "the truth has kallsyms values" test -s "$TMP/ks"
awk '{ printf "sym %s\n", $1 }' "$TMP/ks" >"$TMP/cmds"
run_kd -i "$TMP/cmds" "$D"
expect_eq "sym NAME for $(wc -l <"$TMP/ks") symbols exits 0" 0 "$rc"
awk '!seen[$3]++ { print $3, $1, substr($2, 2, 1) }' "$TMP/out" | sort >"$TMP/got"
sort "$TMP/ks" >"$TMP/want"
if cmp -s "$TMP/want" "$TMP/got"; then
	ok "every recorded /proc/kallsyms value equals sym NAME (address and type)"
else
	not_ok "every recorded /proc/kallsyms value equals sym NAME (address and type)"
	diff "$TMP/want" "$TMP/got" | head -n 20 | show
fi

# Virtual reads through the derived page-table root: jiffies is a
# plausible value (past INITIAL_JIFFIES, not garbage).
run_kd -c 'rd -64 jiffies 1' "$D"
expect_eq "rd -64 jiffies exits 0" 0 "$rc"
j=$(awk '{ print $2 }' "$TMP/out")
check "jiffies (0x$j) is nonzero and below 2^33" sh -c "[ \$((0x$j)) -gt 0 ] && [ \$((0x$j)) -lt \$((1 << 33)) ]"

# ps: BTF types were found through the derived kallsyms (__start_BTF).
run_kd -c 'ps --json' "$D"
expect_eq "ps --json exits 0" 0 "$rc"
jq -r '.[] | "\(.pid) \(.ppid) \(.tgid) \(.comm)"' "$TMP/out" | sort -u >"$TMP/got"
truth tasks | awk '$5 !~ /^kworker/ { c = $5; for (i = 6; i <= NF; i++) c = c " " $i; print $1, $2, $3, substr(c, 1, 15) }' |
	sort -u >"$TMP/want"
missing=$(comm -23 "$TMP/want" "$TMP/got" | head -n 5 | tr '\n' ';')
expect_eq "every task the guest saw ($(wc -l <"$TMP/want") tasks) is in ps" "" "$missing"

# log: the printk ring layout comes from BTF when VMCOREINFO has none.
run_kd -c log "$D"
expect_eq "log exits 0" 0 "$rc"
truth markers | head -n 3 >"$TMP/markers"
while IFS= read -r m; do
	check "log has the guest's marker '${m:0:40}'" grep -qF -- "$m" "$TMP/out"
done <"$TMP/markers"
done_testing
