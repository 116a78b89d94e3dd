#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# kdive as a Debian citizen (issue 18): kdive(1) is made from the help texts
# (every command `help` lists has its section, every option of `kdive
# --help` is in OPTIONS, every environment variable the sources read is in
# ENVIRONMENT), roff renders it without a warning, `kdive --help-all` opens
# no dump, and the bash completion completes options, --types and -c.
. "$KDIVE_SRCDIR/tests/lib.sh"
MAN=$KDIVE_BUILDDIR/kdive.1
check "kdive.1 is built" test -s "$MAN"

# --help-all: the page of every command `help` lists, and no dump opened
# (the session has no dump: nothing to name in the output but the pages).
run_kd -c help
awk '/^$/ { exit } { print $1 }' "$TMP/out" | sort >"$TMP/cmds"
rc=0
"$KDIVE" --help-all >"$TMP/all" 2>"$TMP/err" || rc=$?
expect_eq "kdive --help-all succeeds" 0 "$rc"
expect_eq "kdive --help-all writes nothing on stderr" "" "$(cat "$TMP/err")"
awk 'p { print $1; p = 0 } /^NAME$/ { p = 1 }' "$TMP/all" >"$TMP/pages"
expect_eq "--help-all has one page per command, in name order" "$(cat "$TMP/cmds")" "$(cat "$TMP/pages")"
check "there are commands at all (modules loaded)" grep -qx kmem "$TMP/cmds"
run_kd -c 'help rd'
# rd's page in --help-all: from its NAME line to the next page's.
awk '/^NAME$/ { page = $0; getline; page = page "\n" $0; keep = ($0 ~ /^  rd - /); if (keep) print page; next }
	keep' "$TMP/all" | sed '$ { /^$/ d }' >"$TMP/rd"
expect_eq "help -a's page for rd is help rd's" "$(cat "$TMP/out")" "$(cat "$TMP/rd")"
"$KDIVE" -n -c 'help -a rd' >/dev/null 2>"$TMP/err"
check "help -a with a command name is refused" grep -q 'help: -a takes no command names' "$TMP/err"

# The man page: a subsection (.SS) per command, each option of --help.
sed -n 's/^\.SS //p' "$MAN" | sed 's/\\-/-/g' | sort >"$TMP/ss"
expect_eq "kdive.1 has a .SS for every command" "$(cat "$TMP/cmds")" "$(cat "$TMP/ss")"
"$KDIVE" --help | sed -n 's/^  \(-[^ ,]*\).*/\1/p; s/^  -., \(--[^ ]*\).*/\1/p' | sort -u >"$TMP/opts"
sed 's/\\-/-/g' "$MAN" | sed -n '/^\.SH OPTIONS/,/^\.SH /p' >"$TMP/manopts"
missing=
for o in $(cat "$TMP/opts"); do
	grep -q -e "^\.B $o\( \|,\|$\)" -e "^\.B .*, $o\( \|$\)" "$TMP/manopts" || missing="$missing $o"
done
expect_eq "every option of kdive --help ($(wc -l <"$TMP/opts")) is in OPTIONS" "" "$missing"
for sec in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS ENVIRONMENT FILES "EXIT STATUS" "SEE ALSO"; do
	check "kdive.1 has $sec" grep -q "^\.SH $sec\$" "$MAN"
done
# Every environment variable the shell reads (getenv in the sources) is
# documented; HOME and SHELL included.
vars=$(grep -ho 'getenv("[A-Z_]*")' "$KDIVE_SRCDIR"/shell/*.c "$KDIVE_SRCDIR"/shell/core/*.c \
	"$KDIVE_SRCDIR"/commands/*.c | sed 's/getenv("\(.*\)")/\1/' | sort -u)
sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p' "$MAN" >"$TMP/env"
missing=
for v in $vars; do
	grep -q "^\.B $v\$" "$TMP/env" || missing="$missing $v"
done
expect_eq "every getenv variable ($(echo $vars)) is in ENVIRONMENT" "" "$missing"
check "FILES names the start-up files" sh -c "grep -q 'kdiverc' '$MAN'"
if command -v groff >/dev/null; then
	groff -man -Tutf8 -ww -z "$MAN" >"$TMP/groff" 2>&1
	expect_eq "groff renders kdive.1 without a warning" "" "$(cat "$TMP/groff")"
	show "$TMP/groff"
else
	ok "# SKIP groff is not installed"
fi
for m in "$KDIVE_SRCDIR/docs/kdive-modules.7"; do
	[ -f "$m" ] || continue
	groff -man -Tutf8 -ww -z "$m" >"$TMP/groff7" 2>&1
	expect_eq "groff renders kdive-modules.7 without a warning" "" "$(cat "$TMP/groff7")"
done

# bash completion, with bash-completion's own helpers.
BC=/usr/share/bash-completion/bash_completion
if command -v bash >/dev/null && [ -f "$BC" ]; then
	cat >"$TMP/comp.bash" <<EOF
source "$BC"
source "$KDIVE_SRCDIR/completion/kdive"
cd "$TMP"
t() {
	COMP_WORDS=("\$@"); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1))
	COMP_LINE="\${COMP_WORDS[*]}"; COMP_POINT=\${#COMP_LINE}; COMPREPLY=()
	_kdive "\${COMP_WORDS[0]}" "\${COMP_WORDS[-1]}" "\${COMP_WORDS[-2]}"
	printf '%s\n' "\${COMPREPLY[@]}" | sort | tr '\n' ' '
	echo
}
EOF
	touch "$TMP/vmcore.elf"
	comp() { bash -c ". '$TMP/comp.bash'; t \"\$@\"" t "$@"; }
	expect_eq "kdive --vm completes the long options" "--vmcoreinfo --vmlinux " "$(comp "$KDIVE" --vm)"
	expect_eq "kdive --types completes the type sources" "auto btf dwarf " "$(comp "$KDIVE" --types '')"
	expect_eq "kdive vm completes a dump file" "vmcore.elf " "$(comp "$KDIVE" vm)"
	expect_eq "kdive --vmlinux vm completes a file" "vmcore.elf " "$(comp "$KDIVE" --vmlinux vm)"
	expect_eq "kdive -c km completes a command name" "kmem " "$(comp "$KDIVE" -c km)"
	comp "$KDIVE" - | tr ' ' '\n' | sed '/^$/d' | sort >"$TMP/compopts"
	missing=$(comm -23 "$TMP/opts" "$TMP/compopts" | grep -- '^--' | tr '\n' ' ')
	expect_eq "every long option of kdive --help completes" "" "$missing"
else
	ok "# SKIP bash-completion is not installed"
fi
done_testing
