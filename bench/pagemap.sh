#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/pagemap.sh: pagemap -p of a process with 1 GiB mapped (issue 14's
# target: <= 100 ms, flat RSS), on a dump and live.
#  - dump: the fixture of `scripts/mkvmcore --mem 2048 --bigmap 1024` (made
#    on first use: about a minute and 3 GB), whose kdive-bigmap process has
#    262,144 written anonymous pages; `pagemap -p PID` on its ELF and its
#    kdump-zlib: instructions (valgrind --tool=callgrind, repeatable on a
#    loaded machine), the same for `pagemap -p 1` (start-up and a small
#    process: the difference is the 1 GiB), wall time (best and median of
#    N whole runs) and peak RSS.
#  - live (root only): a python3 process maps 1 GiB of anonymous memory
#    (MADV_NOHUGEPAGE) and writes each page; `pagemap -p PID` on the running
#    kernel: wall time, peak RSS and, with strace, the number of preads.
# Usage: bench/pagemap.sh [--runs N] [BUILDDIR]   (default build-bench, made
# as bench/run makes it).  Benchmarks are not tests.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=7
[ "${1:-}" = --runs ] && { runs=$2; shift 2; }
bdir=${1:-$top/build-bench}
cd "$top"
if [ ! -x "$bdir/kdive" ]; then
	[ -x configure ] || autoreconf -fi >&2
	mkdir -p "$bdir"
	(cd "$bdir" && { [ -f Makefile ] || "$top/configure" -q CFLAGS="-O2 -g"; } && make -s -j"$(nproc)") >&2 || exit 1
fi
KD=$bdir/kdive
tmp=$(mktemp -d)
helper=
trap '[ -n "$helper" ] && kill "$helper" 2>/dev/null; rm -rf "$tmp"' EXIT

now() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
# wall CMD...: "best median" in ms over $runs runs after one warm-up run.
wall() {
	local t0 t1
	: >"$tmp/t"
	"$@" >/dev/null 2>&1
	for _ in $(seq "$runs"); do
		t0=$(now)
		"$@" >/dev/null 2>&1
		t1=$(now)
		echo $((t1 - t0)) >>"$tmp/t"
	done
	sort -n "$tmp/t" | awk '{ v[NR] = $1 } END { printf "%.0f %.0f", v[1] / 1e3, v[int((NR + 1) / 2)] / 1e3 }'
}
rss_mb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1 | awk '{ printf "%.0f", $1 / 1024 }'; }
instr() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$@" >/dev/null 2>"$tmp/cg.err"
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/cg.err"
}
mi() { awk -v n="$1" 'BEGIN { printf "%.0f M", n / 1e6 }'; }

echo "# pagemap -p of 1 GiB ($(date -u +%F), kdive of $bdir, load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs)"
echo
fix=$(scripts/mkvmcore --quiet --mem 2048 --bigmap 1024 | tail -n 1) || exit 1
pid=$(scripts/truth "$fix/truth.txt" bigmap | sed -n 's/^bigmap_pid=//p')
echo "| source | instructions | of which the 1 GiB | per page | wall best / median | peak RSS |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for f in vmcore.elf vmcore.kdump-zlib; do
	D=$fix/$f
	big=$(instr "$KD" -n -c "pagemap -p $pid" "$D")
	small=$(instr "$KD" -n -c "pagemap -p 1" "$D")
	read -r best med < <(wall "$KD" -n -c "pagemap -p $pid" "$D")
	printf '| dump %s | %s | %s | %d | %s / %s ms | %s MB |\n' "${f#vmcore.}" "$(mi "$big")" "$(mi $((big - small)))" \
		$(((big - small) / 262144)) "$best" "$med" "$(rss_mb "$KD" -n -c "pagemap -p $pid" "$D")"
done
if [ "$(id -u)" = 0 ] && command -v python3 >/dev/null; then
	python3 - "$tmp/pid" <<'EOF' &
import mmap, os, sys, time
n = 1 << 30
m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
try:
    m.madvise(mmap.MADV_NOHUGEPAGE)
except (AttributeError, OSError):
    pass
for i in range(0, n, 4096):
    m[i] = 1
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)
EOF
	helper=$!
	for _ in $(seq 100); do [ -s "$tmp/pid" ] && break; sleep 0.2; done
	lp=$(cat "$tmp/pid")
	read -r best med < <(wall "$KD" -n -c "pagemap -p $lp")
	preads=n/a
	if command -v strace >/dev/null; then
		preads=$(strace -f -c -e trace=pread64 "$KD" -n -c "pagemap -p $lp" 2>&1 >/dev/null |
			awk '$NF == "pread64" { print $4 }')
	fi
	printf '| live (this machine) | | | | %s / %s ms | %s MB |\n' "$best" "$med" "$(rss_mb "$KD" -n -c "pagemap -p $lp")"
	echo
	echo "live: $preads preads for $(awk '/^Rss:/ { n += $2 } END { print n / 4 }' "/proc/$lp/smaps") resident pages"
fi
