#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/coldwarm.sh: kdive's whole-process cost per mission command, cold
# (--no-cache: kallsyms decoded, BTF indexed) and warm (the per-build index
# cache filled by a previous run, in a private XDG_CACHE_HOME), on the
# project's real dumps.  Per row: instructions counted by callgrind (exact
# and repeatable on a loaded machine), hyperfine's median wall time, and the
# peak RSS of one run.  Optionally a second kdive (BASE=path/to/kdive, e.g.
# a build of the commit before) for a before/after table.  Not a test.
#   bench/coldwarm.sh [--no-wall] [DUMP...]   (default: the KASLR fixture's ELF)
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
[ ${#dumps[@]} -gt 0 ] || dumps=("$("$top/scripts/mkvmcore" --quiet | tail -n 1)/vmcore.elf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache

insns() { # KDIVE ARGS...: instructions of one whole run
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : //p' | awk '{ printf "%.1f M", $1 / 1e6 }'
}
median() { # KDIVE ARGS...: hyperfine's median in ms
	[ $wall = 1 ] || { echo "-"; return; }
	local q
	printf -v q '%q ' "$@"
	hyperfine -N -w 3 -r "$runs" --export-json "$tmp/h.json" "$q" >/dev/null 2>&1 || { echo "n/a"; return; }
	python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1e3))' "$tmp/h.json"
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
		echo "| command | cold: instructions | cold: median ms | warm: instructions | warm: median ms | peak RSS cold/warm |"
		echo "| --- | ---: | ---: | ---: | ---: | ---: |"
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
		row+=" $(insns "$KDIVE" -n --no-cache -c "$c" "$d") | $(median "$KDIVE" -n --no-cache -c "$c" "$d") |"
		row+=" $(insns "$KDIVE" -n -c "$c" "$d") | $(median "$KDIVE" -n -c "$c" "$d") |"
		row+=" $(rss "$KDIVE" -n --no-cache -c "$c" "$d") / $(rss "$KDIVE" -n -c "$c" "$d") |"
		echo "$row"
	done
done
