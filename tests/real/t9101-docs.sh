#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The guide works as shown: every "kdive> " command in the sessions of
# docs/tour.md and docs/teaching.md runs on the demo dump with the exit
# status the page says (0, or the "# exit N" it is marked with), pids mapped
# onto this dump by scripts/doc-run; the SVG pictures they point at are
# committed and well formed; every relative link of README.md and docs/*.md
# names a file that exists.  (The output shown in the pages is
# documentation, remade by scripts/doc-run --update, not compared here.)
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
DUMP=$FIX/vmcore.elf
D=$KDIVE_SRCDIR/docs

KDIVE=$KDIVE "$KDIVE_SRCDIR/scripts/doc-run" --list "$DUMP" "$D/tour.md" "$D/teaching.md" >"$TMP/cmds" 2>"$TMP/err"
expect_eq "doc-run --list: the pages' processes are in this dump" "" "$(cat "$TMP/err")"
for page in tour.md teaching.md; do
	n=$(grep -c "^$D/$page	" "$TMP/cmds")
	check "$page has sessions to run ($n commands)" [ "$n" -gt 5 ]
done
mkdir -p "$TMP/run"
while IFS=$'\t' read -r file want cmd; do
	rc=0
	(cd "$TMP/run" && "$KDIVE" -n -c "$cmd" "$DUMP") >"$TMP/out" 2>"$TMP/cmd.err" </dev/null || rc=$?
	expect_eq "$(basename "$file"): '$cmd' exits $want" "$want" "$rc"
	[ "$rc" = "$want" ] || show "$TMP/cmd.err"
done <"$TMP/cmds"
for svg in layout.svg marker.svg; do
	check "the commands wrote $svg" test -s "$TMP/run/$svg"
	check "docs/img/$svg is committed, an SVG document" \
		sh -c "head -c 200 '$D/img/$svg' | grep -q '<svg ' && tail -c 20 '$D/img/$svg' | grep -q '</svg>'"
done

# Relative links: [text](path) in the guide and the README.
for md in "$KDIVE_SRCDIR/README.md" "$D"/*.md; do
	dir=$(dirname "$md")
	bad=$(grep -o '](\([^)#:]*\))' "$md" | sed 's/^](//; s/)$//' | while read -r l; do
		[ -e "$dir/$l" ] || echo "$l"
	done | tr '\n' ' ')
	expect_eq "$(basename "$md"): every relative link names a file" "" "$bad"
done
done_testing
