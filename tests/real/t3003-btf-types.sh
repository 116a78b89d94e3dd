#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Types from the BTF in the dump's memory, checked against an independent
# oracle: the .BTF section of the vmlinux inside the fixture's vmlinuz
# (decompressed as the kernel's scripts/extract-vmlinux does), dumped by
# bpftool.  Every named struct and union must have the same size and the
# same members at the same bit offsets (and bitfield widths).  Also: --btf
# with a raw BTF file and with an ELF, and a BTF of another kernel refused.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
for tool in bpftool objcopy xz zstd gzip; do
	check "prerequisite: $tool (scripts/deps installs it)" sh -c "command -v $tool >/dev/null"
done

# scripts/extract-vmlinux: find a compression magic in the bzImage, unpack
# from there, keep the first result that is an ELF file.
extract_vmlinux() { # VMLINUZ OUT
	local magic cmd off
	for spec in '\xfd\x37\x7a\x58\x5a\x00:xz -dc' '\x28\xb5\x2f\xfd:zstd -dcq' '\x1f\x8b\x08:gzip -dc'; do
		magic=${spec%%:*} cmd=${spec#*:}
		for off in $(LC_ALL=C grep -aboP "$magic" "$1" | cut -d: -f1); do
			tail -c +$((off + 1)) "$1" | $cmd >"$2" 2>/dev/null
			if readelf -h "$2" >/dev/null 2>&1; then
				return 0
			fi
		done
	done
	return 1
}
check "the vmlinux is extracted from vmlinuz" extract_vmlinux "$FIX/vmlinuz" "$TMP/vmlinux"
check "the extracted vmlinux has a .BTF section" sh -c "readelf -SW '$TMP/vmlinux' | grep -q ' \.BTF '"
bpftool btf dump file "$TMP/vmlinux" format raw >"$TMP/raw"
check "bpftool dumps its BTF" test -s "$TMP/raw"

# Oracle: "kind name size N", then "kind name member M BITS WIDTH" for the
# first struct/union of each name (kdive's lookup takes the first too).
awk '
	/^\[[0-9]+\] / {
		cur = ""
		if (($2 == "STRUCT" || $2 == "UNION") && $3 != "\047(anon)\047") {
			name = $3; gsub("\047", "", name); kind = tolower($2)
			if (!seen[kind " " name]++) {
				cur = kind " " name
				size = $4; sub("size=", "", size)
				print cur " size " size
			}
		}
		next
	}
	cur != "" {
		m = $1; gsub("\047", "", m)
		bits = ""; width = 0
		for (i = 2; i <= NF; i++) {
			if ($i ~ /^bits_offset=/) { bits = $i; sub("bits_offset=", "", bits) }
			if ($i ~ /^bitfield_size=/) { width = $i; sub("bitfield_size=", "", width) }
		}
		print cur " member " m " " bits " " width
	}' "$TMP/raw" >"$TMP/want"
nstructs=$(awk '$3 == "size"' "$TMP/want" | wc -l)
check "the oracle has thousands of structs and unions ($nstructs)" [ "$nstructs" -gt 5000 ]

awk '$3 == "size" { print $1 " -o " $2 " --json" }' "$TMP/want" >"$TMP/cmds"
run_kd -i "$TMP/cmds" "$D"
expect_eq "kdive prints every one of them (exit 0)" 0 "$rc"
expect_eq "nothing on stderr" "" "$(head -n 5 "$TMP/err")"
jq -r '(.kind + " " + (.name | sub("^(struct|union) "; ""))) as $t
	| "\($t) size \(.size)",
	  (.members[] | "\($t) member \(if .name == "" then "(anon)" else .name end) \(.bit_offset) \(.bit_size // 0)")' \
	"$TMP/out" >"$TMP/got"
if cmp -s "$TMP/want" "$TMP/got"; then
	ok "sizes and member offsets of all $nstructs structs and unions equal the oracle's ($(wc -l <"$TMP/want") lines)"
else
	not_ok "sizes and member offsets of all $nstructs structs and unions equal the oracle's"
	diff "$TMP/want" "$TMP/got" | head -n 20 | show
fi

# Paths through nested and anonymous members, from the oracle's numbers.
bits() { awk -v t="$1" -v m="$2" '$1 " " $2 == t && $3 == "member" && $4 == m { print $5 }' "$TMP/want"; }
want=$((($(bits "struct task_struct" se) + $(bits "struct sched_entity" vruntime)) / 8))
run_kd -c 'struct -o task_struct.se.vruntime --json' "$D"
expect_eq "task_struct.se.vruntime: offset from the oracle" "$want" "$(jq '.members[0].offset' "$TMP/out")"
want=$(bits "struct task_struct" sched_reset_on_fork)
run_kd -c 'struct -o task_struct.sched_reset_on_fork --json' "$D"
expect_eq "a bitfield's bit offset and width" "$want 1" "$(jq -r '.members[0] | "\(.bit_offset) \(.bit_size)"' "$TMP/out")"
run_kd -c 'struct -o task_struct.no_such_member' "$D"
expect_eq "a missing member is named" "struct: struct task_struct has no member 'no_such_member'" "$(cat "$TMP/err")"
run_kd -c 'struct -o task_struct.se.no_such' "$D"
expect_eq "a missing nested member is named with its path" \
	"struct: struct sched_entity has no member 'no_such' (in struct task_struct.se.no_such)" "$(cat "$TMP/err")"
run_kd -c 'struct no_such_struct_xyz' "$D"
expect_eq "an unknown struct" "struct: no type 'struct no_such_struct_xyz' in the kernel's BTF" "$(cat "$TMP/err")"

# --btf: a raw BTF file (as /sys/kernel/btf/vmlinux is) and an ELF with .BTF.
objcopy --dump-section .BTF="$TMP/vmlinux.btf" "$TMP/vmlinux" "$TMP/scratch"
run_kd --btf "$TMP/vmlinux.btf" -c 'struct -o task_struct --json' "$D"
expect_eq "--btf raw file: starts quietly" "" "$(cat "$TMP/err")"
expect_eq "--btf raw file: task_struct as from memory" \
	"$(grep '^struct task_struct ' "$TMP/want" | head -n 3)" \
	"$(jq -r '"struct task_struct size \(.size)", (.members[0:2][] | "struct task_struct member \(.name) \(.bit_offset) \(.bit_size // 0)")' "$TMP/out")"
run_kd --btf "$TMP/vmlinux" -c 'struct -o list_head' "$D"
expect_eq "--btf ELF file" "0" "$rc"

# A BTF of another kernel: VMCOREINFO's SIZE(page) and OFFSET(...) disagree.
if command -v pahole >/dev/null; then
	printf 'struct page { long flags[3]; };\nstruct page p;\nstruct list_head { void *next, *prev; } l;\n' >"$TMP/other.c"
	cc -g -c -o "$TMP/other.o" "$TMP/other.c" && pahole -J "$TMP/other.o" 2>/dev/null &&
		objcopy --dump-section .BTF="$TMP/other.btf" "$TMP/other.o" "$TMP/scratch"
	run_kd --btf "$TMP/other.btf" -c 'struct page' "$D"
	expect_eq "a BTF of another kernel is refused" 1 "$rc"
	expect_eq "the refusal names the VMCOREINFO entry that differs" \
		"kdive: BTF file '$TMP/other.btf' does not describe this dump's kernel: SIZE(page) is 24 in it, 64 in VMCOREINFO" \
		"$(cat "$TMP/err")"
else
	not_ok "a BTF of another kernel is refused: pahole is not installed (scripts/deps)"
	not_ok "the refusal names the VMCOREINFO entry that differs: pahole is not installed"
fi
run_kd --btf "$TMP/missing.btf" -c 'struct page' "$D"
check "a missing --btf file: one line" grep -q "^kdive: cannot read BTF from '$TMP/missing.btf': " "$TMP/err"
printf 'not BTF\n' >"$TMP/junk.btf"
run_kd --btf "$TMP/junk.btf" -c 'struct page' "$D"
expect_eq "a --btf file that is not BTF: one line in kdive's words (no libbpf noise, no 'Unknown error 4001')" \
	"1 kdive: cannot read BTF from '$TMP/junk.btf': BPF object format invalid" "$rc $(cat "$TMP/err")"
done_testing
