#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make install puts the binary, modules, headers and kdive.pc in place; an
# out-of-tree module builds with `pkg-config --cflags kdive` and loads.
. "$KDIVE_SRCDIR/tests/lib.sh"
DEST=$TMP/dest
${MAKE:-make} -s -C "$KDIVE_BUILDDIR" install DESTDIR="$DEST" >"$TMP/install.log" 2>&1
expect_eq "make install DESTDIR=... succeeds" 0 "$?"
prefix=$(sed -n 's/^prefix=//p' "$KDIVE_BUILDDIR/kdive.pc")
P=$DEST$prefix
# libdir: $prefix/lib, or a multiarch directory (the Debian package build).
L=$DEST$(PKG_CONFIG_PATH=$KDIVE_BUILDDIR pkg-config --variable=libdir kdive)
check "binary installed" test -x "$P/bin/kdive"
check "headers installed" test -f "$P/include/kdive/module.h"
check "kdive.pc installed" test -f "$L/pkgconfig/kdive.pc"
check "modules installed as .so in LIBDIR/kdive/commands" test -f "$L/kdive/commands/rd.so"
# part pkg (issue 18): the manual page and the bash completion
check "kdive.1 installed in share/man/man1" test -s "$P/share/man/man1/kdive.1"
check "the bash completion installed where bash-completion looks" \
	sh -c "find '$DEST' -path '*/bash-completion/completions/kdive' | grep -q ."
check "no .la files next to the modules" sh -c "! ls '$L'/kdive/commands/*.la 2>/dev/null | grep -q ."

cflags=$(PKG_CONFIG_PATH=$L/pkgconfig pkg-config --define-variable=prefix="$P" --cflags kdive)
expect_eq "pkg-config --cflags kdive points at the installed headers" "-I$P/include" "$(echo $cflags)"
${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -shared -fPIC $cflags \
	-o "$TMP/hello.so" "$KDIVE_SRCDIR/tests/modules/good.c" 2>"$TMP/cc.log"
expect_eq "an out-of-tree module compiles against the installed headers alone" 0 "$?"
show "$TMP/cc.log"
rc=0
KDIVE_MODULE_PATH=$L/kdive/commands "$P/bin/kdive" -n -c "load $TMP/hello.so; hello out of tree; modules" \
	>"$TMP/out" 2>"$TMP/err" || rc=$?
expect_eq "installed kdive loads it" 0 "$rc"
check "its command runs" grep -q '^hello from a module out of tree$' "$TMP/out"
check "the installed modules are listed" grep -q "^rd .*$L/kdive/commands/rd.so" "$TMP/out"
show "$TMP/err"
# Every KD_API function a header declares is exported by the binary, so any
# module may call it (the linker drops unreferenced library objects otherwise).
sed -n 's/^KD_API [^(]*[ *]\(kd_[a-z0-9_]*\)(.*/\1/p' "$KDIVE_SRCDIR"/include/kdive/*.h | sort -u >"$TMP/api"
nm -D --defined-only "$KDIVE" | awk '{ print $3 }' | sort -u >"$TMP/exported"
missing=$(comm -23 "$TMP/api" "$TMP/exported" | tr '\n' ' ')
expect_eq "every KD_API function ($(wc -l <"$TMP/api") of them) is exported by kdive" "" "$missing"
done_testing
