#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The batch shell without a dump: -c, -i, stdin, -e, exit status, errors,
# redirection, pipes, aliases, source, start-up files, ! escapes, modules.
. "$KDIVE_SRCDIR/tests/lib.sh"
MODS=$KDIVE_BUILDDIR/tests/modules/.libs

run_kd -c help
expect_eq "help exits 0" 0 "$rc"
check "help lists the rd module's command" grep -q '^rd  *read memory$' "$TMP/out"
check "help lists built-ins" grep -q '^source ' "$TMP/out"

run_kd -c 'help rd'
check "help rd has crash's sections" sh -c "grep -q '^NAME' '$TMP/out' && grep -q '^SYNOPSIS' '$TMP/out' && grep -q '^OPTIONS' '$TMP/out' && grep -q '^EXAMPLES' '$TMP/out'"

run_kd -c nosuch
expect_eq "unknown command: exit 1" 1 "$rc"
expect_eq "unknown command: message" "kdive: unknown command 'nosuch' (try 'help')" "$(cat "$TMP/err")"

run_kd -c 'nosuch; help > /dev/null; alias'
expect_eq "a failure in -c: later commands still run, exit 1" "1 0" "$rc $(wc -c <"$TMP/out")"
run_kd -e -c 'nosuch; help'
expect_eq "-e stops at the first failure" "1 0" "$rc $(wc -c <"$TMP/out")"

run_kd -c "help 'x"
expect_eq "lexer error: exit 1 and message" "1 kdive: unterminated ' quote" "$rc $(cat "$TMP/err")"

if [ -r /proc/kcore ]; then
	ok "a dump command without a dump # SKIP this host has a readable /proc/kcore, which kdive opens"
else
	# The reason: no /proc/kcore at all (a container, CONFIG_PROC_KCORE=n), or not root.
	if [ -e /proc/kcore ]; then
		why="no dump given, and reading the live kernel's /proc/kcore needs root (CAP_SYS_RAWIO)"
	else
		why="no dump given, and this machine has no /proc/kcore to read the live kernel from"
	fi
	run_kd -c 'rd -p 0'
	expect_eq "a dump command without a dump says why" "1 rd: no dump is open: $why" "$rc $(cat "$TMP/err")"
fi

# Errors of commands read from a file name the file and line, as a compiler
# does; stdin and -c have no file name, so no prefix.
printf 'help > /dev/null\nnosuch\n\n# comment\nload\nhelp "x\n' >"$TMP/bad.kd"
run_kd -i "$TMP/bad.kd"
expect_eq "-i FILE: each error starts with FILE:LINE (usage line too), exit 1" "1
$TMP/bad.kd:2: kdive: unknown command 'nosuch' (try 'help')
$TMP/bad.kd:5: load: expected a module file
$TMP/bad.kd:5: usage: load file.so...
$TMP/bad.kd:6: kdive: unterminated \" quote" "$rc
$(cat "$TMP/err")"
printf 'help > /dev/null\nsource %s\n' "$TMP/bad.kd" >"$TMP/outer.kd"
run_kd -e -c "source $TMP/outer.kd"
expect_eq "source in a file: the inner file's line, then the outer's; -e stops at the first" \
	"$TMP/bad.kd:2: kdive: unknown command 'nosuch' (try 'help')
$TMP/outer.kd:2: source: '$TMP/bad.kd': a command failed
source: '$TMP/outer.kd': a command failed" "$(cat "$TMP/err")"
rc=0
"$KDIVE" -n <"$TMP/bad.kd" >"$TMP/out" 2>"$TMP/err" || rc=$?
expect_eq "stdin: the same errors without a file name" "kdive: unknown command 'nosuch' (try 'help')" \
	"$(sed -n 1p "$TMP/err")"

printf 'alias hh help\n# a comment\n\nhh rd | head -n 2\n' >"$TMP/script"
rc=0
"$KDIVE" -n <"$TMP/script" >"$TMP/out" 2>"$TMP/err" || rc=$?
expect_eq "commands on stdin run in batch" 0 "$rc"
expect_eq "stdin batch: alias and pipe output, no prompt" "NAME
  rd - read memory" "$(cat "$TMP/out")"
run_kd -i "$TMP/script"
expect_eq "-i FILE runs the file" "NAME
  rd - read memory" "$(cat "$TMP/out")"
run_kd -c "source $TMP/script"
expect_eq "source FILE runs the file" "NAME
  rd - read memory" "$(cat "$TMP/out")"
run_kd -i "$TMP/nonexistent"
expect_eq "-i with a missing file fails" 1 "$rc"

run_kd -c "help > $TMP/h1; help sys >> $TMP/h1"
check "> and >> write the file" sh -c "grep -q '^rd ' '$TMP/h1' && grep -q '^  sys - ' '$TMP/h1'"
expect_eq "redirected output leaves stdout empty" "" "$(cat "$TMP/out")"
run_kd -c "help > $TMP/no/such/dir/file"
expect_eq "redirect to an impossible file fails" 1 "$rc"
run_kd -c 'help | grep -c "^rd "'
expect_eq "pipe to a shell pipeline" 1 "$(cat "$TMP/out")"
run_kd -c 'help | true'
expect_eq "a pipe reader that ignores its input: not an error" 0 "$rc"
run_kd -c '!echo from-the-shell'
expect_eq "! runs a shell command" "from-the-shell" "$(cat "$TMP/out")"
run_kd -c '!false'
expect_eq "a failing ! command fails" 1 "$rc"

run_kd -c 'alias rp rd -p; alias rp'
expect_eq "alias defines and shows" "rp           rd -p" "$(cat "$TMP/out")"
run_kd -c 'alias help x'
expect_eq "alias cannot hide a command" 1 "$rc"

# Start-up files: ~/.kdiverc then ./.kdiverc; -n skips both.
mkdir -p "$TMP/home" "$TMP/cwd"
echo 'alias fromhome help' >"$TMP/home/.kdiverc"
echo 'alias fromcwd help' >"$TMP/cwd/.kdiverc"
out=$(cd "$TMP/cwd" && HOME=$TMP/home "$KDIVE" -c 'alias' 2>&1)
expect_eq "~/.kdiverc and ./.kdiverc are read" "fromhome     help
fromcwd      help" "$out"
out=$(cd "$TMP/cwd" && HOME=$TMP/home "$KDIVE" -n -c 'alias' 2>&1)
expect_eq "-n skips the start-up files" "" "$out"

# Modules: listing, loading, refusing, unloading.
run_kd -c 'modules --json'
check "modules --json lists the built modules (dumpinfo, rd, sys among them)" \
	sh -c "jq -e 'map(.name) | (index(\"dumpinfo\") != null) and (index(\"rd\") != null) and (index(\"sys\") != null)' '$TMP/out' >/dev/null"
expect_eq "modules --json: sorted by name" "$(jq -r '.[].name' "$TMP/out" | LC_ALL=C sort)" "$(jq -r '.[].name' "$TMP/out")"
run_kd -c "load $MODS/good.so; hello -u world; unload good; hello"
expect_eq "load, run, unload a module" "1" "$rc"
check "the loaded module's command ran" grep -q '^HELLO from a module world$' "$TMP/out"
check "after unload the command is gone" grep -q "^kdive: unknown command 'hello'" "$TMP/err"
# abi_mismatch.so says KD_MODULE_ABI + 1.
abi=$(sed -n 's/^#define KD_MODULE_ABI \([0-9]*\)$/\1/p' "$KDIVE_SRCDIR/include/kdive/module.h")
run_kd -c "load $MODS/abi_mismatch.so; help > /dev/null"
check "ABI mismatch refused with a clear message" grep -q "^load: module '.*abi_mismatch.so' was built for module ABI $((abi + 1)), this kdive has ABI $abi$" "$TMP/err"
run_kd -c "load $MODS/no_descriptor.so"
check "a non-module refused" grep -q "is not a kdive module (no kd_module_info descriptor)$" "$TMP/err"
mkdir -p "$TMP/mods"
cp "$MODS/good.so" "$MODS/abi_mismatch.so" "$TMP/mods/"
rc=0
KDIVE_MODULE_PATH=$TMP/mods "$KDIVE" -n -c 'hello from path' >"$TMP/out" 2>"$TMP/err" || rc=$?
expect_eq "KDIVE_MODULE_PATH modules load at start (bad ones reported, shell goes on)" \
	"0 hello from a module from path" "$rc $(cat "$TMP/out")"
check "...and the refused ones are reported" grep -q "abi_mismatch.so' was built for module ABI $((abi + 1))" "$TMP/err"

run_kd --version
check "--version" grep -q '^kdive ' "$TMP/out"
run_kd --bogus
expect_eq "unknown command-line option: exit 1" 1 "$rc"
expect_eq "unknown command-line option: named, then the usage line" "kdive: unknown option '--bogus'
usage: kdive [options] [VMLINUX | SYSTEM.MAP] [DUMP [PART...]] (see kdive --help)" "$(cat "$TMP/err")"
run_kd -i
expect_eq "an option without its argument: named" "1 kdive: option '-i' needs an argument" \
	"$rc $(sed -n 1p "$TMP/err")"
run_kd --vmlinux
expect_eq "a long option without its argument: named as written" "kdive: option '--vmlinux' needs an argument" \
	"$(sed -n 1p "$TMP/err")"
run_kd --help=x
expect_eq "an argument to an option that takes none" "kdive: option '--help' takes no argument" \
	"$(sed -n 1p "$TMP/err")"
run_kd a b
expect_eq "two dump arguments: exit 1" 1 "$rc"
done_testing
