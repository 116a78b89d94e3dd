#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A seconds-long fuzz smoke of each parser target (tests/fuzz/fuzz_*.c) with
# the standalone mutating driver: seeds from tests/fuzz/seeds/TARGET/ plus a
# synthetic ELF vmcore made by tests/fuzz/mkelf and the kdump, flattened
# and ring-buffer seeds made by tests/fuzz/mkseeds and the page-table,
# kallsyms, BTF, task-list and module-list seeds made by tests/fuzz/mkseeds_mem; then the regression
# inputs under tests/fuzz/regress/, and every input of the kept libFuzzer
# corpora (tests/fuzz/corpus/TARGET.tar.xz) once.  Nothing may crash (the
# sanitizer build turns memory errors into failures).  KDIVE_FUZZ_SECONDS
# sets the time per target (default 2).  Real fuzzing: scripts/fuzz.
. "$KDIVE_SRCDIR/tests/lib.sh"
F=$KDIVE_BUILDDIR/tests/fuzz
S=$KDIVE_SRCDIR/tests/fuzz/seeds
"$F/mkelf" "$TMP/mini.elf" "$S/vmcoreinfo/x86_64-6.1"
check "mkelf writes a synthetic ELF vmcore kdive opens" sh -c "'$KDIVE' -n -c 'sys' '$TMP/mini.elf' | grep -q 'KERNEL: 6.1'"
"$F/mkseeds" "$TMP" "$S/vmcoreinfo/x86_64-6.1"
check "mkseeds writes a kdump dump kdive opens" sh -c "'$KDIVE' -n -c 'sys; rd -p 0x3000 2' '$TMP/mini.kdump' | grep -q 'KERNEL: 6.1'"
check "...and its flattened form reads the same" sh -c "'$KDIVE' -n -c 'rd -p 0x3000 64' '$TMP/mini.kdump' > '$TMP/a' && '$KDIVE' -n -c 'rd -p 0x3000 64' '$TMP/mini.flat' > '$TMP/b' && cmp -s '$TMP/a' '$TMP/b' && [ -s '$TMP/a' ]"
check "mkseeds's ring buffer reads back through fuzz_log (the target reaches the ring parser)" \
	sh -c "KDIVE_FUZZ_SECONDS=0 KDIVE_FUZZ_LOG_SHOW=1 '$F/fuzz_log' '$TMP/ring.mem' | grep -q 'sysrq: Trigger a crash'"
"$F/mkseeds_mem" "$TMP"
[ -x "$F/fuzz_tasks" ] && check "mkseeds_mem's task list reads back with ps" sh -c "KDIVE_FUZZ_SECONDS=0 KDIVE_FUZZ_TASKS_SHOW=1 '$F/fuzz_tasks' '$TMP/tasks.in' | grep -q worker-thr"
[ -x "$F/fuzz_pages" ] && check "the pages seed walks: a buddy block, an anon page, a slab head of order 2" sh -c "KDIVE_FUZZ_SECONDS=0 KDIVE_FUZZ_PAGES_SHOW=1 '$F/fuzz_pages' '$S/pages/valid.in' > '$TMP/pg.out' && grep -q '^pfn 8 .* types 1 order 3' '$TMP/pg.out' && grep -q '^pfn 4 .*flags uptodate,lru types 0' '$TMP/pg.out' && grep -q '^pfn 10 .*flags slab,head types 2 order 2 head' '$TMP/pg.out' && grep -q '^pfn 11 .* tail' '$TMP/pg.out' && grep -q '^pages 256 lost 256' '$TMP/pg.out'"
[ -x "$F/fuzz_pages" ] && check "the pages seed's kpageflags words: the anon page is uptodate,lru,mmap,anonymous, mapped once" sh -c "KDIVE_FUZZ_SECONDS=0 KDIVE_FUZZ_PAGES_SHOW=1 '$F/fuzz_pages' '$S/pages/valid.in' | grep -q '^pfn 4 kpageflags 1828 count 1$'"
[ -x "$F/fuzz_vma" ] && check "the vma seeds read back: three VMAs in order from the rbtree and from the list" sh -c "for f in rbtree list; do KDIVE_FUZZ_SECONDS=0 KDIVE_FUZZ_VMA_SHOW=1 '$F/fuzz_vma' '$S/vma/'\$f.in | grep -q '^vmas 3 (count 3)$' || exit 1; done"
[ -x "$F/fuzz_kmodules" ] && check "mkseeds_mem's module list reads back, symbols included" sh -c "KDIVE_FUZZ_SECONDS=0 KDIVE_FUZZ_KMODULES_SHOW=1 '$F/fuzz_kmodules' '$TMP/kmodules.in' > '$TMP/km.out' && grep -q '^load: ok' '$TMP/km.out' && grep -q '^dm_mod at ffffffff82000400: ffffffffc0020000+8000, 2 symbols' '$TMP/km.out' && grep -q 'ffffffffc0010010 t xfs_init \\[xfs\\]' '$TMP/km.out'"
check "the unwind seed walks its three frames to the end of the stack" sh -c "KDIVE_FUZZ_SECONDS=0 KDIVE_FUZZ_UNWIND_SHOW=1 '$F/fuzz_unwind' '$S/unwind/task.in' | grep -q '^ORC: 3 frames, end of stack'"
# nmi.in (tests/fuzz/mkseed_unwind_nmi.py): a kdump's CPU stopped by NMI.
check "the NMI seed starts at the handler's live return address, not the stale one below, and crosses to the process stack" sh -c "KDIVE_FUZZ_SECONDS=0 KDIVE_FUZZ_UNWIND_SHOW=1 '$F/fuzz_unwind' '$S/unwind/nmi.in' > '$TMP/nmi.out' && grep -q '^#0 \[ffffffff81005f48\] ffffffff81000110 NMI exception$' '$TMP/nmi.out' && grep -q '^#2 \[ffffffff81005f58\] ffffffff81000310 NMI exception regs$' '$TMP/nmi.out' && grep -q '^#3 \[ffffffff81003f00\] ffffffff81000410 process$' '$TMP/nmi.out' && grep -q '^ORC: 4 frames, end of stack' '$TMP/nmi.out'"
[ -x "$F/fuzz_slab" ] && check "mkseeds_mem's slab cache reads back: every slab, the hardened freelists, the vmalloc area" sh -c "KDIVE_FUZZ_SECONDS=0 KDIVE_FUZZ_SLAB_SHOW=1 '$F/fuzz_slab' '$TMP/slab.in' > '$TMP/sl.out' 2>&1 && grep -q '^WALKED: 3 slabs, 192 objects, 187 allocated, 5 free$' '$TMP/sl.out' && grep -qE '^ffffffff82000100 +64 +190 +192 +3 +4k  kmalloc-64$' '$TMP/sl.out' && grep -q '^   ffff8880020040c0  (cpu 0 cache)$' '$TMP/sl.out' && grep -q '^   ffff888002005140$' '$TMP/sl.out' && grep -q 'ffffc90000000000 - ffffc90000003000    12288  __per_cpu_offset+0x0 pages=2 vmalloc' '$TMP/sl.out'"
check "the walk seed reads back through fuzz_walk (every walker reaches its entries)" \
	sh -c "KDIVE_FUZZ_SECONDS=0 KDIVE_FUZZ_WALK_SHOW=1 '$F/fuzz_walk' '$S/walk/trees.in' > '$TMP/walk.out' && [ \$(grep -c '^list ' '$TMP/walk.out') = 3 ] && grep -q '^hlist ffff888000000180 ' '$TMP/walk.out' && grep -q '^rbtree ffff8880000002c0 2-2 root/r' '$TMP/walk.out' && grep -q '^xarray ffff888000456000 43-43 root/1/3' '$TMP/walk.out' && grep -q '^maple ffff888000abc000 1000-1fff root/1/0' '$TMP/walk.out' && ! grep -q lost '$TMP/walk.out'"
for t in lexer vmcoreinfo options elf kdump flat log pgtable kallsyms btf tasks kmodules unwind pages slab walk vma; do
	if [ ! -x "$F/fuzz_$t" ]; then
		ok "fuzz smoke: $t # SKIP not built (needs libbpf)"
		continue
	fi
	seeds=("$S/$t"/*)
	case $t in
	elf) seeds=("$TMP/mini.elf") ;;
	kdump) seeds=("$TMP/mini.kdump") ;;
	flat) seeds=("$TMP/mini.flat") ;;
	log) seeds=("$TMP/ring.mem") ;;
	pgtable) seeds=("$TMP/pgtable-4.in" "$TMP/pgtable-5.in") ;;
	kallsyms | btf | tasks | kmodules | slab) seeds=("$TMP/$t.in") ;;
	esac
	if "$F/fuzz_$t" "${seeds[@]}" >"$TMP/$t.out" 2>&1; then
		ok "fuzz smoke: $t ($(cat "$TMP/$t.out"))"
	else
		not_ok "fuzz smoke: $t"
		tail -n 20 "$TMP/$t.out" | show
	fi
done
# Inputs that once crashed, hung or leaked (tests/fuzz/regress/TARGET/*):
# each is replayed once through its target (KDIVE_FUZZ_SECONDS=0).
for d in "$KDIVE_SRCDIR"/tests/fuzz/regress/*/; do
	[ -d "$d" ] || continue
	t=$(basename "$d")
	[ -x "$F/fuzz_$t" ] || continue
	for input in "$d"*; do
		# a sanitizer build refuses allocations libFuzzer would call an OOM
		if timeout 60 env KDIVE_FUZZ_SECONDS=0 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}max_allocation_size_mb=1024" "$F/fuzz_$t" "$input" >"$TMP/regress.out" 2>&1; then
			ok "fuzz regression: $t/$(basename "$input")"
		else
			not_ok "fuzz regression: $t/$(basename "$input")"
			tail -n 20 "$TMP/regress.out" | show
		fi
	done
done
# The kept corpora (scripts/fuzz writes them): each input once.
for pack in "$KDIVE_SRCDIR"/tests/fuzz/corpus/*.tar.xz; do
	[ -f "$pack" ] || continue
	t=$(basename "$pack" .tar.xz)
	[ -x "$F/fuzz_$t" ] || continue
	rm -rf "$TMP/corpus" && mkdir "$TMP/corpus"
	tar -xJf "$pack" -C "$TMP/corpus"
	if ! n=$(ls "$TMP/corpus/$t" | wc -l) || [ "$n" -eq 0 ]; then
		not_ok "fuzz corpus: $t (empty or unreadable)"
	elif timeout 300 env KDIVE_FUZZ_SECONDS=0 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}max_allocation_size_mb=1024" \
		"$F/fuzz_$t" "$TMP/corpus/$t"/* >"$TMP/corpus.out" 2>&1; then
		ok "fuzz corpus: $t ($n inputs replayed)"
	else
		not_ok "fuzz corpus: $t"
		tail -n 20 "$TMP/corpus.out" | show
	fi
done
done_testing
