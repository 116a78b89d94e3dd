#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Types from the DWARF of the fixture's debug vmlinux (--vmlinux FILE
# --types dwarf, converted to BTF by shell/core/dwarf.c) against the dump's
# own BTF (the default path) as the oracle: every struct and union whose name
# is unique in the BTF has the same size and the same members (nested and
# anonymous ones too) at the same offsets, with the same bitfield widths and
# the same type names (pahole flattens multi-dimensional arrays: "u32 [6][18]"
# in DWARF is "u32 [108]" in BTF, compared as such).  (jiffies is a linker
# alias with no DWARF definition: its type stays inferred on both paths.)  Paths through members,
# ps, and the types of global variables on the DWARF path; the usage errors.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
V=$FIX/vmlinux
for tool in bpftool jq readelf; do
	check "prerequisite: $tool (scripts/deps installs it)" sh -c "command -v $tool >/dev/null"
done
check "the fixture's vmlinux has DWARF (.debug_info)" sh -c "readelf -SW '$V' | grep -q ' \.debug_info '"

run_kd --types dwarf -c 'struct -o list_head' "$D"
expect_eq "--types dwarf without --vmlinux is refused" \
	"kdive: --types dwarf needs --vmlinux FILE (a vmlinux with DWARF)" "$(cat "$TMP/err")"
run_kd --types bogus -c 'struct -o list_head' "$D"
expect_eq "--types with an unknown source is refused" \
	"kdive: --types bogus: expected auto, btf or dwarf" "$(cat "$TMP/err")"

run_kd --vmlinux "$V" --types dwarf -c 'struct -o list_head' "$D"
if grep -q "built without libdw" "$TMP/err"; then
	expect_eq "built without libdw: --types dwarf says so" \
		"kdive: --types dwarf: kdive was built without libdw: no DWARF types" "$(cat "$TMP/err")"
	done_testing
fi
expect_eq "--types dwarf starts quietly" "" "$(cat "$TMP/err")"
# (How long the DWARF takes to load is a benchmark's business, not a test's.)
expect_eq "--types dwarf with the 633 MB vmlinux exits 0" 0 "$rc"

# Every struct and union whose name the dump's BTF has once.
bpftool btf dump file "$V" format raw >"$TMP/raw"
awk '/^\[[0-9]+\] (STRUCT|UNION) / && $3 != "\047(anon)\047" {
	n = $3; gsub("\047", "", n); print tolower($2) " " n }' "$TMP/raw" | sort | uniq -c |
	awk '$1 == 1 { print $2 " -o " $3 " --json" }' >"$TMP/cmds"
nstructs=$(wc -l <"$TMP/cmds")
check "thousands of structs and unions to compare ($nstructs)" [ "$nstructs" -gt 5000 ]
run_kd -i "$TMP/cmds" "$D"
mv "$TMP/out" "$TMP/btf.json"
expect_eq "the dump's BTF: every one of them (exit 0)" 0 "$rc"
run_kd --vmlinux "$V" --types dwarf -i "$TMP/cmds" "$D"
mv "$TMP/out" "$TMP/dwarf.json"
expect_eq "DWARF: every one of them (exit 0)" 0 "$rc"
expect_eq "DWARF: nothing on stderr" "" "$(head -n 5 "$TMP/err")"
jq -c '.' "$TMP/btf.json" >"$TMP/want"
jq -c 'def flat: if test("\\]\\[") then
		(capture("^(?<b>.*?)(?<d>(\\[[0-9]+\\])+)$") |
		 .b + "[" + ([.d | scan("[0-9]+") | tonumber] | reduce .[] as $x (1; . * $x) | tostring) + "]")
	else . end;
	walk(if type == "object" and (.type | type) == "string" and (.type | test("\\]\\[")) then
		.type |= flat | .nelems = (.type | capture("\\[(?<n>[0-9]+)\\]$").n | tonumber)
	else . end)' \
	"$TMP/dwarf.json" >"$TMP/got"
if cmp -s "$TMP/want" "$TMP/got"; then
	ok "all $nstructs structs and unions: sizes, members, offsets, bitfields and type names equal the BTF's"
else
	not_ok "all $nstructs structs and unions: sizes, members, offsets, bitfields and type names equal the BTF's"
	diff "$TMP/want" "$TMP/got" | cut -c 1-300 | head -n 10 | show
fi

# Enums: every enumerator's value (whatis NAME prints the enum unless a
# variable or function has the name: then the outputs differ, as DWARF types
# all global variables and BTF has the functions; those are left out).
awk '/^\[[0-9]+\] ENUM(64)? / && $3 != "\047(anon)\047" { n = $3; gsub("\047", "", n); print n }' \
	"$TMP/raw" | sort | uniq -c | awk '$1 == 1 { print "whatis " $2 }' >"$TMP/ecmds"
enums() { # one line per enum: "enum NAME{|  A = 0,|...|SIZE: 4|"
	awk '/^enum [^ ]+ \{$/ { inb = 1; buf = "" } inb { buf = buf $0 "|" } /^SIZE:/ && inb { print buf; inb = 0 }' "$1" |
		sed 's/ {/{/' | sort -t '{' -k 1,1
}
run_kd -i "$TMP/ecmds" "$D"
enums "$TMP/out" >"$TMP/e.btf"
run_kd --vmlinux "$V" --types dwarf -i "$TMP/ecmds" "$D"
enums "$TMP/out" >"$TMP/e.dwarf"
join -t '{' -o 1.1,1.2,2.2 "$TMP/e.btf" "$TMP/e.dwarf" >"$TMP/e.both"
nenums=$(wc -l <"$TMP/e.both")
check "over a thousand enums to compare ($nenums of $(wc -l <"$TMP/ecmds"))" [ "$nenums" -gt 1000 ]
expect_eq "their enumerators and sizes equal the BTF's (negative, 225 as data1 in a signed enum...)" "" \
	"$(awk -F '{' '$2 != $3 { print $1 }' "$TMP/e.both" | head -n 5 | tr '\n' ' ')"

# The structs commands rely on, one by one (a failure above names them here).
for t in task_struct mm_struct page list_head printk_info printk_ringbuffer rq sched_entity file \
	inode super_block dentry module cred pid vm_area_struct; do
	a=$(jq -c --arg n "struct $t" 'select(.name == $n)' "$TMP/want")
	b=$(jq -c --arg n "struct $t" 'select(.name == $n)' "$TMP/got")
	check "struct $t: the same layout ($(jq '.size' <<<"$a") bytes, $(jq '.members | length' <<<"$a") members)" \
		[ -n "$a" ] && [ "$a" = "$b" ]
done

# Member paths (kd_type_member) through nested and anonymous members, bitfields.
paths='task_struct.se.vruntime task_struct.sched_reset_on_fork task_struct.thread.sp task_struct.comm[3]
	mm_struct.pgd page.compound_head page._refcount rq.cfs.nr_running file.f_path.dentry
	inode.i_sb super_block.s_id printk_info.text_len sched_entity.run_node.__rb_parent_color'
for p in $paths; do echo "struct -o $p --json"; done >"$TMP/paths"
run_kd -i "$TMP/paths" "$D"
jq -c '.members[0] | [.offset, .bit_offset, .bit_size, .size, .type]' "$TMP/out" >"$TMP/want"
run_kd --vmlinux "$V" --types dwarf -i "$TMP/paths" "$D"
jq -c '.members[0] | [.offset, .bit_offset, .bit_size, .size, .type]' "$TMP/out" >"$TMP/got"
expect_eq "$(wc -l <"$TMP/want") member paths: the same offset, bits, size and type" \
	"$(paste -d ' ' <(echo "$paths" | tr -s ' \t\n' '\n' | grep .) "$TMP/want")" \
	"$(paste -d ' ' <(echo "$paths" | tr -s ' \t\n' '\n' | grep .) "$TMP/got")"

# Commands on the DWARF path.
run_kd --vmlinux "$V" --types dwarf -c 'struct task_struct.pid,comm init_task' "$D"
expect_eq "DWARF: struct task_struct.pid,comm init_task" '  pid = 0,
  comm = "swapper/0",' "$(cat "$TMP/out")"
run_kd --vmlinux "$V" --types dwarf -c 'p init_task.pid --json; p init_uts_ns.name.sysname --json' "$D"
expect_eq "DWARF: global variables have their own type (not inferred)" "false false" \
	"$(jq -rs 'map(.type_inferred) | join(" ")' "$TMP/out")"
expect_eq "DWARF: and no warning about inferring it" "" "$(cat "$TMP/err")"
run_kd -c 'ps --json' "$D"
jq -c 'sort_by(.pid)' "$TMP/out" >"$TMP/want"
run_kd --vmlinux "$V" --types dwarf -c 'ps --json' "$D"
expect_eq "DWARF: ps exits 0" 0 "$rc"
jq -c 'sort_by(.pid)' "$TMP/out" >"$TMP/got"
check "DWARF: ps lists the same $(jq length "$TMP/want") tasks, fields and states as with the dump's BTF" \
	cmp -s "$TMP/want" "$TMP/got"
run_kd --vmlinux "$V" --types btf -c 'p jiffies --json' "$D"
expect_eq "--types btf: the dump's BTF (jiffies's type inferred)" true "$(jq .type_inferred "$TMP/out")"
done_testing
