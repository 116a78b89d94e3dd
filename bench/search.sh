#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# search throughput (issue 16: >= 1 GB/s over a 4 GiB ELF dump): a value
# that is nowhere (-p and kernel virtual), a string (-p -c), on the ELF dump
# of a 4 GiB guest (scripts/mkvmcore --mem 4096) and of the default one.
# Each run is timed whole (open included) after one warm-up read of the
# file, best of 3; bytes are what search reports in --json.  Not a test.
# usage: bench/search.sh [BUILDDIR] [MEM_MB...]   (default build, 4096 512)
set -e
src=$(cd "$(dirname "$0")/.." && pwd)
b=${1:-$src/build}
shift || true
mems=${*:-4096 512}
printf '%-8s %-34s %12s %8s %8s\n' GUEST SEARCH BYTES SECONDS GB/s
for m in $mems; do
	args=()
	[ "$m" = 512 ] || args=(--mem "$m")
	fix=$("$src/scripts/mkvmcore" --quiet "${args[@]}" | tail -n 1)
	d=$fix/vmcore.elf
	cat "$d" >/dev/null
	for q in "-p 0x1234567890abcdef" "-k 0x1234567890abcdef" "-p -w 0x12345678" "-p -c kdive-no-such-string"; do
		best=
		for _ in 1 2 3; do
			t0=$(date +%s.%N)
			bytes=$("$b/kdive" -n -c "search --json $q" "$d" | jq .bytes_searched)
			t=$(echo "$(date +%s.%N) - $t0" | bc)
			if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
		done
		printf '%-8s %-34s %12s %8.2f %8.2f\n' "${m}M" "search $q" "$bytes" "$best" "$(echo "$bytes / $best / 1000000000" | bc -l)"
	done
done
