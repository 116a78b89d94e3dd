#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A real kdump (scripts/mkvmcore --kdump): the guest loaded a capture kernel
# with kexec_file_load, recorded its truth, then panicked (sysrq 'c' from
# kdive-panic on the last CPU); __crash_kexec() saved every CPU's registers
# (the crashing CPU's from crash_setup_regs(), the others' from the NMI that
# stopped them) and the capture kernel saved /proc/vmcore.  Compared with:
#  - the truth recorded before the panic (section `panic`: pid, comm, CPU;
#    `kdump`: the capture kernel was loaded), and the stacks of sleeping
#    tasks (/proc/PID/stack);
#  - the crashed kernel's console (QEMU's serial log, not kdive): the panic
#    line, and panic()'s own "Call Trace:" (its ORC unwinder, live);
#  - the ELF file's NT_PRSTATUS notes and VMCOREINFO, read with python3,
#    and the real System.map (from the -dbg package) for symbols.
MKVMCORE_ARGS=--kdump
export MKVMCORE_ARGS
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf

expect_eq "info: a kdump" "kdump=1" "$(grep '^kdump=' "$FIX/info")"
expect_eq "truth: the capture kernel was loaded before the panic" 1 "$(truth kdump | sed -n 's/^loaded=//p')"
pid=$(truth panic | sed -n 's/^pid=//p')
comm=$(truth panic | sed -n 's/^comm=//p')
pcpu=$(truth panic | sed -n 's/^cpu=//p')
ncpu=$(truth nr_cpus)
console_msg=$(grep -a -m1 -o 'Kernel panic - not syncing: .*' "$FIX/console.log" | tr -d '\r')
check "the console shows the panic ($console_msg)" [ -n "$console_msg" ]

# The notes, straight from the file: "CPU PID RIP RSP" per NT_PRSTATUS in
# note order (elf_prstatus: pr_pid at 32, pr_reg at 112; rip is register
# 16, rsp 19), and the VMCOREINFO's KERNELOFFSET.
python3 - "$D" >"$TMP/notes" <<'EOF'
import struct, sys
f = open(sys.argv[1], 'rb')
eh = f.read(64)
phoff, = struct.unpack_from('<Q', eh, 32)
phentsize, phnum = struct.unpack_from('<HH', eh, 54)
cpu = 0
for i in range(phnum):
    f.seek(phoff + i * phentsize)
    ptype, _, off, _, _, filesz = struct.unpack('<IIQQQQ', f.read(40))
    if ptype != 4:
        continue
    f.seek(off)
    b = f.read(filesz)
    p = 0
    while p + 12 <= len(b):
        namesz, descsz, ntype = struct.unpack_from('<III', b, p)
        name = b[p + 12:p + 12 + namesz].rstrip(b'\0')
        d = p + 12 + ((namesz + 3) & ~3)
        if name == b'CORE' and ntype == 1:
            pid, = struct.unpack_from('<i', b, d + 32)
            rip, rsp = struct.unpack_from('<Q', b, d + 112 + 16 * 8)[0], struct.unpack_from('<Q', b, d + 112 + 19 * 8)[0]
            print('cpu %d %d %016x %016x' % (cpu, pid, rip, rsp))
            cpu += 1
        if name == b'VMCOREINFO':
            for line in b[d:d + descsz].decode('ascii', 'replace').split('\n'):
                if line.startswith('KERNELOFFSET='):
                    print('kerneloffset ' + line.split('=')[1])
        p = d + ((descsz + 3) & ~3)
EOF
expect_eq "one NT_PRSTATUS per CPU" "$ncpu" "$(grep -c '^cpu ' "$TMP/notes")"
expect_eq "the panic CPU's note names the panic task" "$pid" "$(awk -v c="$pcpu" '$1 == "cpu" && $2 == c { print $3 }' "$TMP/notes")"
koff=$(awk '$1 == "kerneloffset" { print $2 }' "$TMP/notes")
# The System.map function holding a (KASLR-moved) address.
map_func() {
	python3 - "$FIX/System.map" "$koff" "$1" <<'EOF'
import sys
off, addr = int(sys.argv[2], 16), int(sys.argv[3], 16) - int(sys.argv[2], 16)
best = None
for line in open(sys.argv[1]):
    a, t, n = line.split()[:3]
    a = int(a, 16)
    if t in 'tTwW' and a <= addr and (best is None or a > best[0]):
        best = (a, n)
print(best[1] if best else '?')
EOF
}
prip=$(awk -v c="$pcpu" '$1 == "cpu" && $2 == c { print $4 }' "$TMP/notes")
expect_eq "System.map: the panic CPU's saved rip is in __crash_kexec (crash_setup_regs)" \
	__crash_kexec "$(map_func "$prip")"

# sys: the panic, on every form the fixture has.
field() { sed -n "s/^ *$1: //p" "$TMP/out"; }
forms=(vmcore.elf vmcore.kdump-zlib vmcore.elf-filtered vmcore.flat)
for f in "${forms[@]}" split; do
	if [ "$f" = split ]; then
		run_kd -c sys "$FIX/vmcore.split.1" "$FIX/vmcore.split.2"
	else
		run_kd -c sys "$FIX/$f"
	fi
	expect_eq "$f: sys exits 0" 0 "$rc"
	expect_eq "$f: PANIC is the console's panic line" "\"$console_msg\"" "$(field PANIC)"
	expect_eq "$f: PID" "$pid" "$(field PID)"
	expect_eq "$f: COMMAND" "\"$comm\"" "$(field COMMAND)"
	expect_eq "$f: CPU" "$pcpu" "$(field CPU)"
done
run_kd -c set "$D"
expect_eq "the default context is the panic task" "$pid" "$(field PID)"

# The panic task's stack.  Frame 0 is where crash_setup_regs() saved the
# registers; the rest must be panic() and then, function and offset, what
# panic()'s own dump_stack() printed on the console (its reliable lines,
# without '?', from the caller of panic down to do_syscall_64).
awk '/Call Trace:/ { on = 1; next } on && /<\/TASK>|^\[ *[0-9.]+\] RIP: / { exit }
	on && / <TASK>/ { next }
	on { sub(/^\[ *[0-9.]+\] +/, ""); if ($1 != "?") print $1 }' "$FIX/console.log" | tr -d '\r' |
	sed 's,/0x[0-9a-f]*$,,' | awk 'p { print } $1 ~ /^panic\+/ { p = 1 }' >"$TMP/want"
check "the console's Call Trace goes through sysrq_handle_crash ($(wc -l <"$TMP/want") frames)" \
	grep -q '^sysrq_handle_crash+' "$TMP/want"
for f in "${forms[@]}"; do
	run_kd -c "bt -s $pid" "$FIX/$f"
	expect_eq "$f: bt $pid exits 0" 0 "$rc"
	awk '/^ *#[0-9]+ \[/ { split($3, p, "+"); printf "%s+0x%x\n", p[1], p[2] }' "$TMP/out" >"$TMP/got"
	expect_eq "$f: frame #0 is __crash_kexec, #1 panic" "__crash_kexec panic" \
		"$(head -n 2 "$TMP/got" | sed 's/+.*//' | tr '\n' ' ' | sed 's/ $//')"
	tail -n +3 "$TMP/got" | head -n "$(wc -l <"$TMP/want")" >"$TMP/got2"
	if cmp -s "$TMP/want" "$TMP/got2"; then
		ok "$f: bt $pid: the frames after panic are the console's Call Trace"
	else
		not_ok "$f: bt $pid: the frames after panic are the console's Call Trace"
		diff "$TMP/want" "$TMP/got2" | show
	fi
done
# The user registers at the system call: the console's "RIP: 0033:0x..." line.
crip=$(grep -a -m1 -o 'RIP: 0033:0x[0-9a-f]*' "$FIX/console.log" | sed 's/.*0x//')
run_kd -c "bt $pid" "$D"
check "bt: the user RIP is the console's ($crip)" \
	grep -qE "^    RIP: 0*$crip  RSP: " "$TMP/out"

# The other CPUs, stopped by NMI: their notes hold the registers the NMI
# interrupted; bt starts in the NMI handler on the NMI stack, shows those
# registers as the exception frame, crosses with crash's separator and goes
# on down the interrupted stack.
for c in $(seq 0 $((ncpu - 1))); do
	[ "$c" = "$pcpu" ] && continue
	rip=$(awk -v c="$c" '$1 == "cpu" && $2 == c { print $4 }' "$TMP/notes")
	run_kd -c "bt -c $c" "$D"
	expect_eq "CPU $c: bt -c exits 0" 0 "$rc"
	check "CPU $c: '--- <NMI exception stack> ---'" grep -qx -- '--- <NMI exception stack> ---' "$TMP/out"
	check "CPU $c: frame #0 is the NMI shootdown handler crash_nmi_callback" \
		grep -qE '^ #0 \[fffffe[0-9a-f]{10}\] crash_nmi_callback at ' "$TMP/out"
	check "CPU $c: exc_nmi before the separator" \
		sh -c "sed '/^--- <NMI/q' '$TMP/out' | grep -q ' exc_nmi at '"
	expect_eq "CPU $c: the exception frame's RIP is the note's" "$rip" \
		"$(sed -n 's/^    RIP: \([0-9a-f]*\) .*/\1/p' "$TMP/out" | head -n1)"
	expect_eq "CPU $c: [exception RIP: ...] is System.map's function of the note's rip" \
		"$(map_func "$rip")" "$(sed -n 's/^    \[exception RIP: \([^+]*\)+.*/\1/p' "$TMP/out")"
	check "CPU $c: then the idle task's stack down to do_idle" \
		sh -c "sed '1,/^--- <NMI/d' '$TMP/out' | grep -q ' do_idle at '"
done
run_kd -c 'bt -a --json' "$D"
expect_eq "bt -a --json: one object per CPU" "$ncpu" "$(jq length "$TMP/out")"
expect_eq "bt -a --json: NMI-stack frames" "$((ncpu - 1))" \
	"$(jq '[.[] | select(any(.frames[]; .stack == "NMI exception"))] | length' "$TMP/out")"

# Sleeping tasks: bt -s PID shows /proc/PID/stack as the guest recorded it
# (section `stacks`: tasks that stay asleep until the panic), the
# scheduler's frames left out as the kernel does.
run_kd -c 'sym __sched_text_start; sym __sched_text_end; sym __lock_text_start; sym __lock_text_end' "$D"
read -r ss se ls le <<<"$(awk '{ printf "%s ", $1 }' "$TMP/out")"
sec=stacks
truth "$sec" >"$TMP/stacks"
n=0
bad=0
for t in $(awk '$1 == "task" { print $2 }' "$TMP/stacks"); do
	[ "$t" = "$pid" ] && continue
	awk -v t="$t" '$1 == "task" { on = ($2 == t); next } on { sub(/^\[<[0-9a-f]+>\] /, ""); sub(/\/0x[0-9a-f]+( \[.*\])?$/, ""); print }' \
		"$TMP/stacks" >"$TMP/want"
	[ -s "$TMP/want" ] || continue
	run_kd -c "bt -s $t" "$D"
	awk -v ss="$ss" -v se="$se" -v ls="$ls" -v le="$le" '/^ *#[0-9]+ \[/ {
			pc = "" $NF
			if ((pc >= ss "" && pc < se "") || (pc >= ls "" && pc < le "")) next
			split($3, p, "+"); printf "%s+0x%x\n", p[1], p[2] }' "$TMP/out" >"$TMP/got"
	n=$((n + 1))
	cmp -s "$TMP/want" "$TMP/got" || { bad=$((bad + 1)); echo "# task $t:"; diff "$TMP/want" "$TMP/got" | show; }
done
check "truth $sec: several stacks ($n)" [ "$n" -ge 5 ]
expect_eq "truth $sec: bt shows every recorded stack" 0 "$bad"
done_testing
