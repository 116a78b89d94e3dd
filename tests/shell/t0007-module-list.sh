#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Command modules opened on first use (shell/module_cache.c): the module
# list in $XDG_CACHE_HOME/kdive/modules is written by a run that opened every
# module, used by the next run (a command's module is opened when the command
# is first looked up), and ignored, never trusted, when any module file
# changed, when it is garbage, or with --no-cache.  What every run prints must
# not depend on it.
. "$KDIVE_SRCDIR/tests/lib.sh"
MODS=$KDIVE_BUILDDIR/tests/modules/.libs
export XDG_CACHE_HOME=$TMP/cache KDIVE_CACHE_TRACE=1
mkdir -p "$TMP/mods"
cp "$MODS/good.so" "$TMP/mods/"
MP=$TMP/mods
kd() { rc=0; KDIVE_MODULE_PATH=$MP "$KDIVE" -n "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?; }

kd -c 'hello one'
expect_eq "first run: exit 0, the module's command ran" "0 hello from a module one" "$rc $(cat "$TMP/out")"
check "first run: the lists are written" grep -q "^kdive: module list: $MP: written$" "$TMP/err"
list=$(grep -l "good.so" "$TMP/cache/kdive/modules/"* 2>/dev/null | head -n 1)
check "the list names good.so and its command" grep -q "^good.so [0-9]* [0-9]* [0-9]* hello$" "$list"

kd -c 'hello two'
expect_eq "second run: the list is used, the command runs" "0 hello from a module two" "$rc $(cat "$TMP/out")"
check "second run: used, not rewritten" sh -c "grep -q '^kdive: module list: $MP: used' '$TMP/err' && ! grep -q 'written' '$TMP/err'"

# The same answers as a run that opens every module (--no-cache writes no list).
kd -c 'modules; help' && cp "$TMP/out" "$TMP/lazy"
rm -rf "$TMP/cache"
kd --no-cache -c 'modules; help'
expect_eq "modules and help: the same with and without the list" "$(cat "$TMP/out")" "$(cat "$TMP/lazy")"
check "--no-cache: no list written" test ! -e "$TMP/cache/kdive/modules"
kd -c 'help hello'
check "help CMD opens the module of CMD" grep -q '^NAME' "$TMP/out"
kd -c 'nosuch'
expect_eq "an unknown command is still unknown" "1 kdive: unknown command 'nosuch' (try 'help')" \
	"$rc $(grep -v 'module list' "$TMP/err")"

# A module changed since the list was written: every module is opened.
touch -d '2001-01-01' "$TMP/mods/good.so"
kd -c 'hello three'
expect_eq "a changed module: the command still runs" "0 hello from a module three" "$rc $(cat "$TMP/out")"
check "...the list is not used, and written anew" sh -c "grep -q 'does not describe these modules' '$TMP/err' && grep -q ': written$' '$TMP/err'"
# A module added to the directory: the same.
cp "$MODS/dup_command.so" "$TMP/mods/" 2>/dev/null || cp "$MODS/good.so" "$TMP/mods/other.so"
kd -c 'alias'
check "a module added: the list is not used" grep -q "$MP: does not describe these modules" "$TMP/err"
rm -f "$TMP/mods/dup_command.so" "$TMP/mods/other.so"
kd -c 'alias'

# A list that lies (right file identity, a command the module lacks) is not trusted.
list=$(grep -l "good.so" "$TMP/cache/kdive/modules/"* | head -n 1)
sed -i 's/ hello$/ hello bogus/' "$list"
kd -c 'bogus'
expect_eq "a command the list invents: exit 1" 1 "$rc"
check "...and kdive says the list is stale" grep -q "module '.*good.so' does not define 'bogus'" "$TMP/err"
kd -c 'hello four'
expect_eq "...the module's real command still runs" "0 hello from a module four" "$rc $(cat "$TMP/out")"
# Garbage: ignored.
head -c 3000 /dev/urandom >"$list"
kd -c 'hello five'
expect_eq "a garbage list: ignored, the command runs" "0 hello from a module five" "$rc $(cat "$TMP/out")"
# A read-only cache directory: no list, the run is the same.
rm -rf "$TMP/cache" && mkdir -p "$TMP/cache" && chmod 500 "$TMP/cache"
kd -c 'hello six'
expect_eq "a read-only cache: the command runs" "0 hello from a module six" "$rc $(cat "$TMP/out")"
chmod 700 "$TMP/cache"
done_testing
