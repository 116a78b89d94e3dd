#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# One message style (issue 18): "cmd: what failed: why", lowercase, no
# trailing period, "an ELF" not "a ELF".  The sources are grepped for the
# known bad patterns, so a new message in another style fails here; each
# check prints the offending lines.
. "$KDIVE_SRCDIR/tests/lib.sh"
cd "$KDIVE_SRCDIR" || exit 1
SRC="shell commands arch include"

# none PATTERN-TITLE GREP-ARGS...: ok when grep finds nothing.
none() {
	title=$1
	shift
	if grep -rnE --include='*.c' --include='*.h' "$@" >"$TMP/hits"; then
		not_ok "$title"
		show "$TMP/hits"
	else
		ok "$title"
	fi
}

# Articles before words whose sound says otherwise (ELF is "an ELF").
none "'a' before a vowel sound (a ELF, a IRQ, a address...)" \
	'\ba (ELF|elf|IRQ|ORC|MMIO|RCU|SMP|index|error|address|array|object|option|operand|integer|inode|entry|empty|excluded|enum|unreadable|unknown|invalid|offset|idr|xarray|x86|unsigned|explicit|extra|exited|open|old|upper|instruction|element|argument|alias|hour)\b' $SRC
none "'an' before a consonant sound (an page, an symbol, an PID...)" \
	'\ban (page|symbol|task|dump|number|file|struct|list|CPU|PID|value|vmlinux|kdump|BTF|system|user|unique|union|one|usage|QEMU|pfn|kernel|pointer|module|command)\b' $SRC
# The same in the prose a user reads.
if grep -nE '\ba (ELF|elf|IRQ|address|error|option|object|inode|x86)\b' README.md docs/*.md >"$TMP/hits"; then
	not_ok "README and docs: 'a' before a vowel sound"
	show "$TMP/hits"
else
	ok "README and docs: 'a' before a vowel sound"
fi

# Messages: the first string of an error or a warning.
MSG='(kd_error_(create|addr|os|fault|prefix|vcreate)|kd_warn|kd_shell_error)\([^"]*"'
none "messages start lowercase (git's style: no 'Cannot ...', 'Failed ...')" \
	"$MSG[A-Z][a-z]" $SRC
none "messages end without a period, newline or dangling ': '" \
	"$MSG([^\"\\\\]|\\\\.)*(\\.|\\\\n|: )\"" $SRC
none "messages say 'cannot', not can't, couldn't, unable to" \
	"$MSG[^\"]*(can't|couldn't|unable to|Unable to)" $SRC
none "no message of its own says 'error:' or 'warning:' (the dispatcher and kd_warn add the prefixes)" \
	"$MSG(error|Error|ERROR|warning|Warning|WARNING):" $SRC
# (any string but output: a message's text is often on the call's second line)
if grep -rnE --include='*.c' '"([^"\\]|\\.)*\ban? %s' $SRC | grep -v 'kd_printf' >"$TMP/hits"; then
	not_ok "no article before a word only known at run time ('a %s dump' reads 'a elf dump')"
	show "$TMP/hits"
else
	ok "no article before a word only known at run time ('a %s dump' reads 'a elf dump')"
fi
# One wording for options that cannot go together.
none "options that cannot go together 'exclude each other' (not 'are exclusive')" \
	'"[^"]*(mutually exclusive|are exclusive)' $SRC
none "CPUs are 'CPU N' in messages, not 'cpu N'" \
	"$MSG[^\"]*\\bcpu %" $SRC

# Lines written to stderr directly start with the command's name (or the
# program's): "bt: ...", "kdive: ...", "%s: ..." (the dispatcher's name).
none "every direct stderr line starts with 'cmd: '" \
	'fprintf\(stderr, "([^a-z%]|[a-z]+[^a-z:]|%[^s]|%s[^:])' shell commands arch
# Only the dispatcher, kd_warn and main.c write errors to stderr in the
# shell: the rest go through kd_shell_error (which adds FILE:LINE).
none "shell/*.c writes stderr only in main.c, dispatch.c and module/builtin registration" \
	--exclude=main.c --exclude=dispatch.c --exclude=module.c --exclude=module_cache.c --exclude=builtins.c --exclude=foreach.c \
	'fprintf\(stderr' shell --exclude-dir=core
done_testing
