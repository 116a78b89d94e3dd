#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Read speed of every dump form of the mkvmcore fixture through kdive's core
# (tests/tools/kdbench): open time, sequential MB/s over the kept pages,
# random 4 KiB reads/s with the page cache off and on; then the limit: each
# compression library alone on the same pages (tests/tools/kdlimit).  Not a test.
# usage: bench/formats.sh [BUILDDIR]   (default build-fmt, then build)
set -e
src=$(cd "$(dirname "$0")/.." && pwd)
b=${1:-$src/build-fmt}
[ -x "$b/tests/tools/kdbench" ] || b=$src/build
FIX=$("$src/scripts/mkvmcore" --quiet | tail -n 1)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for c in snappy zstd; do "$b/tests/tools/kdrecompress" "$FIX/vmcore.kdump-zlib" "$T/vmcore.kdump-$c" $c || true; done
printf '%-22s %10s %8s %9s %12s %12s\n' FORM SIZE_MB OPEN_MS SEQ_MB/s RAND/s_NOCACHE RAND/s_CACHE
for f in elf elf-filtered qemu-kdump-zlib kdump-zlib kdump-lzo kdump-raw flat "split.1 split.2" T:kdump-snappy T:kdump-zstd; do
	files=()
	for p in $f; do
		case $p in T:*) files+=("$T/vmcore.${p#T:}") ;; *) files+=("$FIX/vmcore.$p") ;; esac
	done
	sync
	size=$(du -cm "${files[@]}" | tail -n 1 | cut -f1)
	r=$("$b/tests/tools/kdbench" "${files[@]}" 2>/dev/null)
	v() { sed -n "s/.*\\b$1=\\([0-9.]*\\).*/\\1/p" <<<"$r"; }
	printf '%-22s %10s %8s %9s %12s %12s\n' "${f//T:/}" "$size" "$(v open_ms)" "$(v seq_MBps)" \
		"$(v rand_reads_per_s_nocache)" "$(v rand_reads_per_s_cache1024)"
done
# The limit: each library alone decompressing the same kernel's pages.
echo
echo "library limit (decompressing this dump's pages, MB/s): $("$b/tests/tools/kdlimit" "$FIX/vmcore.elf")"
