#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The per-build index cache (issue 19, shell/core/index_cache.c): the decoded
# kallsyms table, the BTF name index and the BTF enumerator index kept under
# $XDG_CACHE_HOME/kdive/index per kernel build (VMCOREINFO BUILD-ID) and
# KASLR offset.
#  - with --no-cache nothing is written; a cold run writes the three files
#    and a warm run uses them (KDIVE_CACHE_TRACE=1 says so on stderr);
#  - cold and warm give the same output as --no-cache, and the warm run's
#    symbols are the guest's own (truth `kallsyms`, `kallsyms_core`);
#  - a truncated, emptied, overwritten, byte-flipped (header or payload) or
#    foreign-build file is detected, not used, and rebuilt: the output stays
#    identical to --no-cache and the next run uses the rebuilt file;
#  - a cache directory that cannot be made (a file in the way) or no home at
#    all still gives the same output and exit status 0.
. "$KDIVE_SRCDIR/tests/lib.sh"
FIX= TRUTH=
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
CMDS='sym -l; sym init_task; struct task_struct.pid,comm init_task; ps; whatis list_head; sym _stext'
export XDG_CACHE_HOME=$TMP/cache
IDX=$XDG_CACHE_HOME/kdive/index

kd_cache() { # ARGS...: run with the cache traced; stdout in $TMP/out, stderr in $TMP/err
	rc=0
	KDIVE_CACHE_TRACE=1 "$KDIVE" -n "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
}
same_as_ref() { # TITLE
	expect_eq "$1: exit status 0" 0 "$rc"
	if cmp -s "$TMP/ref" "$TMP/out"; then
		ok "$1: output identical to --no-cache"
	else
		not_ok "$1: output identical to --no-cache"
		diff "$TMP/ref" "$TMP/out" | head -n 10 | show
	fi
	expect_eq "$1: no warnings" "" "$(grep -v -e '^kdive: index cache: ' -e '^kdive: module list: ' "$TMP/err")"
}
traced() { # WHAT (kallsyms|btfnames) STATE (used|written|rebuilt)
	grep -q "^kdive: index cache: .*\.$1: .*$2" "$TMP/err"
}

# The reference: no cache.
kd_cache --no-cache -c "$CMDS" "$D"
cp "$TMP/out" "$TMP/ref"
expect_eq "--no-cache: exit status 0" 0 "$rc"
expect_eq "--no-cache: nothing traced, nothing written" "0 0" \
	"$(grep -c 'index cache' "$TMP/err") $(find "$TMP/cache" -type f 2>/dev/null | wc -l)"
init_task=$(truth kallsyms | awk '$1 == "init_task" { print $2 }')
expect_eq "--no-cache: sym init_task is the guest's" "$init_task" \
	"$(awk '$3 == "init_task" { print $1 }' "$TMP/ref" | head -n 1)"

# Cold: both files written.
kd_cache -c "$CMDS" "$D"
same_as_ref "cold"
check "cold: the kallsyms table is written" traced kallsyms written
check "cold: the BTF name index is written" traced btfnames written
check "cold: the BTF enumerator index is written (ps looks up MM_ANONPAGES)" traced btfenums written
KS=$(ls "$IDX"/*.kallsyms 2>/dev/null | head -n 1)
BN=$(ls "$IDX"/*.btfnames 2>/dev/null | head -n 1)
BE=$(ls "$IDX"/*.btfenums 2>/dev/null | head -n 1)
bid=$("$KDIVE" -n -c 'sys' "$D" | awk '$1 == "BUILD-ID:" { print $2 }')
check "cold: the files are named after the build ID ($bid)" \
	test -n "$bid" -a -n "$KS" -a -n "$BN" -a -n "$BE" -a "${KS#"$IDX/$bid"-}" != "$KS"
expect_eq "cold: three files, no temporary files left" "3 3" \
	"$(find "$IDX" -type f | wc -l) $(find "$IDX" -type f \( -name "$bid-*.kallsyms" -o -name "$bid-*.btfnames" -o -name "$bid-*.btfenums" \) | wc -l)"

# Warm: both used; the symbols are still the guest's.
kd_cache -c "$CMDS" "$D"
same_as_ref "warm"
check "warm: the kallsyms table is used" traced kallsyms used
check "warm: the BTF name index is used" traced btfnames used
check "warm: the BTF enumerator index is used" traced btfenums used
kd_cache -c 'sym -l' "$D"
grep -v '\[' "$TMP/out" | awk '{ print $1, substr($2, 2, 1), $3 }' | LC_ALL=C sort >"$TMP/core"
expect_eq "warm: sym -l core symbols: the guest's sha256 of 'address type name' lines" \
	"$(truth kallsyms_core | sed -n 's/^sha256 //p')" "$(sha256sum <"$TMP/core" | cut -d' ' -f1)"

# Damaged files: each detected, rebuilt, and the rebuilt one used next time.
damage() { # FILE HOW
	local f=$1 size
	size=$(stat -c %s "$f")
	case $2 in
	truncate) truncate -s $((size / 2)) "$f" ;;
	empty) : >"$f" ;;
	garbage) head -c 4096 /dev/urandom >"$f" ;;
	header) printf '\377' | dd of="$f" bs=1 seek=20 conv=notrunc status=none ;;
	payload) printf '\125\252' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc status=none ;;
	tail) printf '\001' | dd of="$f" bs=1 seek=$((size - 3)) conv=notrunc status=none ;;
	longer) printf 'x' >>"$f" ;;
	esac
}
for what in kallsyms btfnames btfenums; do
	f=$KS
	[ $what = btfnames ] && f=$BN
	[ $what = btfenums ] && f=$BE
	for how in truncate empty garbage header payload tail longer; do
		damage "$f" $how
		kd_cache -c "$CMDS" "$D"
		same_as_ref "$what file $how"
		check "$what file $how: detected and rebuilt" traced $what rebuilt
		kd_cache -c "$CMDS" "$D"
		check "$what file $how: the rebuilt file is used next" traced $what used
	done
done

# A file of this build at another KASLR offset, put where the nokaslr
# dump's file goes: the header's offset refuses it.
N=$("$KDIVE_SRCDIR/scripts/mkvmcore" --quiet --nokaslr | tail -n 1)/vmcore.elf
if [ -f "$N" ]; then
	kd_cache --no-cache -c "$CMDS" "$N"
	cp "$TMP/out" "$TMP/ref"
	cp "$KS" "$IDX/$bid-0.kallsyms"
	cp "$BN" "$IDX/$bid-0.btfnames"
	cp "$BE" "$IDX/$bid-0.btfenums"
	kd_cache -c "$CMDS" "$N"
	same_as_ref "nokaslr dump, the KASLR dump's files in its place"
	check "nokaslr dump: the foreign kallsyms file is refused" \
		grep -q 'kallsyms: another build or KASLR offset: rebuilt' "$TMP/err"
	check "nokaslr dump: the foreign BTF file is refused" \
		grep -q 'btfnames: another build or KASLR offset: rebuilt' "$TMP/err"
	check "nokaslr dump: the foreign BTF enumerator file is refused" \
		grep -q 'btfenums: another build or KASLR offset: rebuilt' "$TMP/err"
	kd_cache --no-cache -c "$CMDS" "$D"
	cp "$TMP/out" "$TMP/ref"
else
	not_ok "the nokaslr fixture (scripts/mkvmcore --nokaslr) is missing"
fi

# No usable cache directory: a file where the directory should be, or no
# home and no XDG_CACHE_HOME.
: >"$TMP/blocker"
XDG_CACHE_HOME=$TMP/blocker/cache kd_cache -c "$CMDS" "$D"
same_as_ref "cache directory cannot be made"
check "cache directory cannot be made: said so, nothing written" grep -q 'not cached' "$TMP/err"
rc=0
env -u XDG_CACHE_HOME -u HOME "$KDIVE" -n -c "$CMDS" "$D" >"$TMP/out" 2>"$TMP/err" || rc=$?
same_as_ref "no home, no XDG_CACHE_HOME"

done_testing
