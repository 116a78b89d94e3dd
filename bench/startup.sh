#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Start-up time of kdive on a real dump: open it, decode kallsyms, parse the
# BTF in its memory, run one command that needs both, exit.  Prints the
# minimum and median wall time of N runs (default 20) in milliseconds, and
# the same for kdive without a dump (process start + module loading) as a
# baseline; with the fixture's debug vmlinux, the same with types from its
# DWARF (--types dwarf).  Not a test: a figure to watch.
#   bench/startup.sh [DUMP] [N]     (default DUMP: the KASLR fixture)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdive=${KDIVE:-$top/build/kdive}
dump=${1:-$("$top/scripts/mkvmcore" --quiet | tail -n 1)/vmcore.elf}
n=${2:-20}

measure() { # label, then the command
	local label=$1
	shift
	local times=() t0 t1
	"$@" >/dev/null 2>&1 || true # warm the page cache
	for ((i = 0; i < n; i++)); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v n="$n" '
		{ t[NR] = $1 }
		END { printf "%-44s min %6.1f ms   median %6.1f ms   (%d runs)\n", label, t[1] / 1000, t[int((n + 1) / 2)] / 1000, n }'
}

echo "dump: $dump ($(du -h "$dump" | cut -f1))"
measure "no dump (process + modules)" "$kdive" -n -c 'help'
measure "dump: kallsyms + BTF, 'sym _stext'" "$kdive" -n -c 'sym _stext' "$dump"
measure "dump: + 'struct task_struct.pid init_task'" "$kdive" -n -c 'struct task_struct.pid init_task' "$dump"
# Types from a debug vmlinux's DWARF (libdw, converted to BTF), when the
# fixture has one next to the dump (mkvmcore keeps the -dbg package's).
vmlinux=$(dirname "$dump")/vmlinux
if [ -f "$vmlinux" ] && readelf -SW "$vmlinux" 2>/dev/null | grep -q ' \.debug_info '; then
	measure "dump: --vmlinux --types dwarf, 'struct ...'" \
		"$kdive" -n --vmlinux "$vmlinux" --types dwarf -c 'struct task_struct.pid init_task' "$dump"
	measure "dump: --vmlinux (its .symtab; the dump's BTF)" \
		"$kdive" -n --vmlinux "$vmlinux" -c 'struct task_struct.pid init_task' "$dump"
fi
