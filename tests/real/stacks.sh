# SPDX-License-Identifier: GPL-3.0-or-later
# Stack comparisons shared by the bt tests (t8001-bt.sh on x86_64,
# t8201-arm64-bt.sh on arm64); sourced after fixture.sh with D set.
#  - sched_bounds: ss se ls le, the text the kernel leaves out of
#    /proc/PID/stack (in_sched_functions(): __sched_text_start..
#    __sched_text_end, __lock_text_start..__lock_text_end);
#  - want_stack TID: the guest's /proc/TID/stack ($TMP/stacks, the truth's
#    "task TID COMM" and "[<0>] func+0xOFF/0xSIZE [module]" lines) as
#    func+0xOFF lines;
#  - got_stack FILE: bt -s output the same way, scheduler frames left out;
#  - check_stacks LABEL DUMP-FILES...: bt -s of every recorded task ($tids)
#    against want_stack;
#  - prstatus_pcs DUMP REG: each NT_PRSTATUS note's register REG (pr_reg at
#    112 in struct elf_prstatus; x86_64's rip is 16, arm64's pc 32), read
#    from the ELF file with python3, not through kdive.
sched_bounds() {
	run_kd -c 'sym __sched_text_start; sym __sched_text_end; sym __lock_text_start; sym __lock_text_end' "$D"
	read -r ss se ls le <<<"$(awk '{ printf "%s ", $1 }' "$TMP/out")"
	expect_eq "the scheduler's text bounds are symbols" 4 "$(wc -l <"$TMP/out")"
}

want_stack() { # TID -> func+0xOFF per line
	awk -v t="$1" '$1 == "task" { on = ($2 == t); next }
		on { sub(/^\[<[0-9a-f]+>\] /, ""); sub(/\/0x[0-9a-f]+( \[[^]]+\])?$/, ""); print }' "$TMP/stacks"
}

got_stack() { # FILE (bt -s output) -> func+0xOFF per line, scheduler frames left out
	awk -v ss="$ss" -v se="$se" -v ls="$ls" -v le="$le" '
		# 16-digit lowercase hex: string order is numeric order.
		/^ *#[0-9]+ \[/ {
			pc = "" $NF
			if ((pc >= ss "" && pc < se "") || (pc >= ls "" && pc < le ""))
				next
			split($3, p, "+"); printf "%s+0x%x\n", p[1], p[2]
		}' "$1"
}

check_stacks() { # LABEL DUMP-FILES...
	local label=$1 t n=0
	shift
	for t in $tids; do
		run_kd -c "bt -s $t" "$@"
		expect_eq "$label: bt -s $t exits 0" 0 "$rc"
		want_stack "$t" >"$TMP/want"
		got_stack "$TMP/out" >"$TMP/got"
		if cmp -s "$TMP/want" "$TMP/got"; then
			ok "$label: bt $t: the functions and offsets of /proc/$t/stack ($(wc -l <"$TMP/want") frames)"
		else
			not_ok "$label: bt $t: the functions and offsets of /proc/$t/stack"
			diff "$TMP/want" "$TMP/got" | show
		fi
		n=$((n + 1))
	done
	check "$label: the guest recorded several stacks ($n)" test "$n" -ge 5
}

prstatus_pcs() { # DUMP REG
	python3 - "$1" "$2" <<'PYEOF'
import struct, sys
f = open(sys.argv[1], 'rb').read()
reg = int(sys.argv[2])
phoff, = struct.unpack_from('<Q', f, 32)
phentsize, phnum = struct.unpack_from('<HH', f, 54)
for i in range(phnum):
    ptype, _, off, _, _, filesz = struct.unpack_from('<IIQQQQ', f, phoff + i * phentsize)
    if ptype != 4:
        continue
    p, end = off, off + filesz
    while p + 12 <= end:
        namesz, descsz, ntype = struct.unpack_from('<III', f, p)
        name = f[p + 12:p + 12 + namesz].rstrip(b'\0')
        d = p + 12 + ((namesz + 3) & ~3)
        if name == b'CORE' and ntype == 1:
            print('%016x' % struct.unpack_from('<Q', f, d + 112 + reg * 8)[0])
        p = d + ((descsz + 3) & ~3)
PYEOF
}
