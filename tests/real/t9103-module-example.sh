#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The out-of-tree example of docs/modules.md and kdive-modules(7):
# docs/examples/hello-module is built with its own Makefile against the
# headers and kdive.pc that `make install` puts in place (nothing from the
# source tree), loaded into the installed kdive both ways (load FILE, and a
# directory in $KDIVE_MODULE_PATH), and its command run on the demo dump:
# the release and node name against the guest's uname and hostname, each
# marker process's priority and context switches against the guest's
# /proc/sched_debug.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
DUMP=$FIX/vmcore.elf

DEST=$TMP/dest
${MAKE:-make} -s -C "$KDIVE_BUILDDIR" install DESTDIR="$DEST" >"$TMP/install.log" 2>&1
expect_eq "make install DESTDIR=... succeeds" 0 "$?"
prefix=$(sed -n 's/^prefix=//p' "$KDIVE_BUILDDIR/kdive.pc")
P=$DEST$prefix
# A copy of the example alone, so nothing but the installed files is found.
cp -r "$KDIVE_SRCDIR/docs/examples/hello-module" "$TMP/hello"
chmod -R u+w "$TMP/hello"
rm -f "$TMP/hello/hello.so"
rc=0
PKG_CONFIG_PATH=$P/lib/pkgconfig MAKEFLAGS='' ${MAKE:-make} -C "$TMP/hello" \
	PKG_CONFIG="pkg-config --define-variable=prefix=$P" CFLAGS="-O2 -Werror" >"$TMP/build.log" 2>&1 || rc=$?
expect_eq "the example builds with its Makefile and pkg-config, warnings as errors" 0 "$rc"
[ "$rc" = 0 ] || show "$TMP/build.log"
check "... against the installed headers" grep -q -- "-I$P/include" "$TMP/build.log"

export KDIVE_MODULE_PATH=$P/lib/kdive/commands
rc=0
(cd "$TMP/hello" && "$P/bin/kdive" -n -c 'load ./hello.so; hello' "$DUMP") >"$TMP/out" 2>"$TMP/err" || rc=$?
expect_eq "the installed kdive loads it ('load ./hello.so') and runs hello: exit 0" 0 "$rc"
show "$TMP/err"
expect_eq "the release and node name are the guest's uname -r and hostname" \
	"hello from Linux $(truth uname_r) on $(truth hostname)" "$(sed -n 2p "$TMP/out")"
# The marker processes sleep from before the truth was recorded until the
# dump, so their switch counts have not moved (init's and kdive-truth's have).
truth sched_debug | awk '$2 ~ /^kdive-(marker|sleeper|zparent|zombie|thr1|thr2)$/ { print $3, $6, $5, $2 }' |
	sort -n >"$TMP/want"
awk 'NR > 3 && $4 ~ /^kdive-(marker|sleeper|zparent|zombie|thr1|thr2)$/ { print $1, $2, $3, $4 }' "$TMP/out" |
	sort -n >"$TMP/got"
check "sched_debug lists the marker processes ($(wc -l <"$TMP/want"))" [ -s "$TMP/want" ]
# thr1 and thr2 are threads of the marker, listed only when named.
grep -vE ' kdive-thr[12]$' "$TMP/want" >"$TMP/want-leaders"
expect_eq "pid, prio and switches of each marker process are /proc/sched_debug's" \
	"$(cat "$TMP/want-leaders")" "$(cat "$TMP/got")"
thr=$(truth sched_debug | awk '$2 == "kdive-thr1" { print $3, $6, $5 }')
"$P/bin/kdive" -n -c "load $TMP/hello/hello.so; hello ${thr%% *}" "$DUMP" >"$TMP/out" 2>&1
expect_eq "a thread named by its pid: its prio and switches" "$thr" \
	"$(awk 'NR > 3 { print $1, $2, $3 }' "$TMP/out")"

# A directory in $KDIVE_MODULE_PATH: loaded at start-up, no 'load'.
mkdir -p "$TMP/mods"
cp "$TMP/hello/hello.so" "$TMP/mods/"
rc=0
KDIVE_MODULE_PATH=$P/lib/kdive/commands:$TMP/mods "$P/bin/kdive" -n \
	-c "hello -a --json > $TMP/hello.json; ps --json > $TMP/ps.json; modules" "$DUMP" >"$TMP/out" 2>"$TMP/err" || rc=$?
expect_eq "found through \$KDIVE_MODULE_PATH: exit 0" 0 "$rc"
check "modules lists it with its file" grep -q "^hello .*$TMP/mods/hello.so" "$TMP/out"
expect_eq "hello -a --json lists every task ps lists" "$(jq -c '[.[].pid]' "$TMP/ps.json")" \
	"$(jq -c '[.tasks[].pid]' "$TMP/hello.json")"
expect_eq "hello --json: the release" "$(truth uname_r)" "$(jq -r .release "$TMP/hello.json")"

# The complete example of kdive-modules(7), taken from the roff source
# between its "example begin/end" comments and unescaped.
mkdir -p "$TMP/man"
sed -n '/^\.\\" example begin/,/^\.\\" example end/p' "$KDIVE_SRCDIR/docs/kdive-modules.7" |
	sed '1,2d;$d' | sed '$d' | sed 's/\\&//g; s/\\(aq/'"'"'/g; s/\\-/-/g; s/\\e/\\/g' >"$TMP/man/uname.c"
check "kdive-modules(7) holds a complete example" grep -q '^KD_MODULE_EXPORT const struct kd_module kd_module_info' "$TMP/man/uname.c"
rc=0
# shellcheck disable=SC2046 # the flags are words
${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -shared -fPIC \
	$(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --define-variable=prefix="$P" --cflags kdive) \
	-o "$TMP/man/uname.so" "$TMP/man/uname.c" >"$TMP/cc.log" 2>&1 || rc=$?
expect_eq "the man page's example compiles as the page says, warnings as errors" 0 "$rc"
[ "$rc" = 0 ] || show "$TMP/cc.log"
rc=0
(cd "$TMP/man" && "$P/bin/kdive" -n -c 'load ./uname.so; uname; uname --json' "$DUMP") >"$TMP/out" 2>"$TMP/err" || rc=$?
expect_eq "... loads and runs: exit 0" 0 "$rc"
version=$(truth version | sed 's/.*) \(#[0-9]\)/\1/')
expect_eq "... uname prints the guest's sysname, hostname, release, version (/proc/version) and machine" \
	"Linux $(truth hostname) $(truth uname_r) $version x86_64" "$(sed -n 2p "$TMP/out")"
expect_eq "... uname --json: the release" "$(truth uname_r)" "$(sed -n 3p "$TMP/out" | jq -r .release)"

# Its errors follow the convention: 'hello: ...' on stderr, exit 1.
rc=0
KDIVE_MODULE_PATH=$TMP/mods "$P/bin/kdive" -n -c 'hello 999999' "$DUMP" >"$TMP/out" 2>"$TMP/err" || rc=$?
expect_eq "an unknown pid: exit 1" 1 "$rc"
check "... and 'hello: ...' naming it on stderr" grep -q "^hello: .*999999" "$TMP/err"
show "$TMP/err"
done_testing
