#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/coldwarm.sh: kdive's whole-process cost per mission command, cold
# (--no-cache: kallsyms decoded, BTF indexed) and warm (the per-build index
# cache filled by a previous run, in a private XDG_CACHE_HOME), on the
# project's real dumps.  Per row: instructions counted by callgrind (exact
# and repeatable on a loaded machine), hyperfine's median wall time, and the
# peak RSS of one run.  Optionally a second kdive (BASE=path/to/kdive, e.g.
# a build of the commit before) for a before/after table.  Not a test.
# Wall time on a loaded machine measures the run queue too: each cell also
# gives hyperfine's mean user+system CPU time, and the issue's targets (median
# wall ms, no debuginfo: 512 MiB dumps sym 20, struct 30, log 20, kmem -i 50,
# ps 30; ps of 5,000 threads on 4 GiB 60; peak RSS 60 MB) are checked against
# the cold median: "met", or "not met" with the CPU time beside it.
#   bench/coldwarm.sh [--no-wall] [DUMP...]   (default: the KASLR fixture's
#   ELF and the 4 GiB, 5,000-thread one, made by scripts/mkvmcore if absent)
# Environment: KDIVE (default build-bench/kdive, built -O2 -g), BASE, RUNS (20).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
wall=1
if [ "${1:-}" = --no-wall ]; then
	wall=0
	shift
fi
command -v valgrind >/dev/null || apt-get install -y -q valgrind >&2
[ $wall = 0 ] || command -v hyperfine >/dev/null || apt-get install -y -q hyperfine >&2
command -v /usr/bin/time >/dev/null || apt-get install -y -q time >&2
if [ -z "${KDIVE:-}" ]; then
	[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi) >&2
	mkdir -p "$top/build-bench"
	(cd "$top/build-bench" && { [ -f Makefile ] || ../configure -q CFLAGS="-O2 -g"; } && make -s -j"$(nproc)") >&2
	KDIVE=$top/build-bench/kdive
fi
runs=${RUNS:-20}
dumps=("$@")
if [ ${#dumps[@]} = 0 ]; then
	dumps=("$("$top/scripts/mkvmcore" --quiet | tail -n 1)/vmcore.elf")
	dumps+=("$("$top/scripts/mkvmcore" --quiet --tasks 5000 --mem 4096 | tail -n 1)/vmcore.elf")
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache

insns() { # KDIVE ARGS...: instructions of one whole run
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : //p' | awk '{ printf "%.1f M", $1 / 1e6 }'
}
median() { # KDIVE ARGS...: hyperfine's median wall ms and (mean user+system CPU ms)
	[ $wall = 1 ] || { echo "-"; return; }
	local q
	printf -v q '%q ' "$@"
	hyperfine -N -w 3 -r "$runs" --export-json "$tmp/h.json" "$q" >/dev/null 2>&1 || { echo "n/a"; return; }
	python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["results"][0]
print("%.1f (%.1f)" % (r["median"] * 1e3, (r["user"] + r["system"]) * 1e3))' "$tmp/h.json"
}
target() { # DUMP CMD: the issue's target in ms, or nothing
	local big=0
	case $1 in *-m4096-*-t5000/* | *-m4096-*-t5000) big=1 ;; esac
	case $big:$2 in
	1:ps) echo 60 ;; 1:*) ;;
	0:ps) echo 30 ;; 0:sym*) echo 20 ;; 0:struct*) echo 30 ;; 0:log) echo 20 ;; 0:'kmem -i') echo 50 ;;
	esac
}
verdict() { # TARGET "MEDIAN (CPU)" RSS_MB: met / not met
	[ -n "$1" ] || { echo "-"; return; }
	awk -v t="$1" -v m="${2%% *}" -v r="$3" 'BEGIN {
		if (m == "-" || m == "n/a") { print "not measured"; exit }
		w = (m + 0 <= t) ? "met" : "not met"
		printf "%s (<= %d ms%s)", w, t, (r + 0 > 60) ? "; RSS over 60 MB" : "" }'
}
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1 | awk '{ printf "%.1f MB", $1 / 1024 }'; }

echo "kdive: $KDIVE${BASE:+ (before: $BASE)}; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for d in "${dumps[@]}"; do
	echo
	echo "dump: $d ($(du -h "$d" | cut -f1))"
	echo
	if [ -n "${BASE:-}" ]; then
		echo "| command | before: instructions | before: median ms | cold: instructions | cold: median ms | warm: instructions | warm: median ms | peak RSS cold/warm |"
		echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	else
		echo "| command | cold: instructions | cold: median ms (CPU ms) | warm: instructions | warm: median ms (CPU ms) | peak RSS cold/warm | target (cold) |"
		echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
	fi
	for c in 'sys' 'sym init_task' 'ps' 'struct task_struct.pid,comm init_task' 'log' 'kmem -i' 'kmem -s' 'bt -a'; do
		if ! "$KDIVE" -n --no-cache -c "$c" "$d" >/dev/null 2>&1; then
			echo "| $c | n/a (fails) | | | | |"
			continue
		fi
		"$KDIVE" -n -c "$c" "$d" >/dev/null 2>&1 # fill the cache
		row="| \`$c\` |"
		if [ -n "${BASE:-}" ]; then
			row+=" $(insns "$BASE" -n -c "$c" "$d") | $(median "$BASE" -n -c "$c" "$d") |"
		fi
		cold=$(median "$KDIVE" -n --no-cache -c "$c" "$d")
		rss_cold=$(rss "$KDIVE" -n --no-cache -c "$c" "$d")
		row+=" $(insns "$KDIVE" -n --no-cache -c "$c" "$d") | $cold |"
		row+=" $(insns "$KDIVE" -n -c "$c" "$d") | $(median "$KDIVE" -n -c "$c" "$d") |"
		row+=" $rss_cold / $(rss "$KDIVE" -n -c "$c" "$d") |"
		[ -n "${BASE:-}" ] || row+=" $(verdict "$(target "$d" "$c")" "$cold" "${rss_cold% MB}") |"
		echo "$row"
	done
done
