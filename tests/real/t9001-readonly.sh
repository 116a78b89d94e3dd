#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# kdive never writes to a dump: after a session that ran every command on
# the kdump-zlib dump and on the split parts, their bytes (sha256) and mtimes
# are unchanged; it works on a dump whose mode is 0444 and in a directory it
# cannot write; and (with strace) no open() of a dump asks for write access.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$TMP/ro
mkdir -p "$D"
for f in vmcore.kdump-zlib vmcore.split.1 vmcore.split.2; do cp -p "$FIX/$f" "$D/$f"; done
touch -d '2001-02-03 04:05:06' "$D"/vmcore.*
every='sys; sys --json; dumpinfo; dumpinfo --json; log; log -m -c -d; log --json; rd -p 0x1000 4096; rd -p 0x100000 64; cache; cache -s 0; rd -p 0x2000 8; cache -s 16'
# commands that landed after this test was written run bare
for c in $("$KDIVE" -n -c help 2>/dev/null | awk 'NF && /^[a-z]/ { print $1 } /^$/ { exit }'); do
	case "; $every; " in *"; $c"[\ \;]*) continue ;; esac
	case $c in alias | exit | help | load | modules | q | quit | set | source | unalias | unload) continue ;; esac
	every="$every; $c"
done
sums() { (cd "$D" && sha256sum vmcore.* && stat -c '%n %Y %s' vmcore.*); }
before=$(sums)
chmod 0444 "$D"/vmcore.*
chmod 0555 "$D"
run_kd -c "$every" "$D/vmcore.kdump-zlib"
check "every command ran on a 0444 dump in a read-only directory" grep -q 'kdive-marker: hello' "$TMP/out"
run_kd -c "$every" "$D/vmcore.split.1" "$D/vmcore.split.2"
check "...and on the split parts" grep -q 'kdive-marker: hello' "$TMP/out"
printf '%s\n' "${every//; /$'\n'}" | "$KDIVE" -n "$D/vmcore.kdump-zlib" >/dev/null 2>&1
chmod 0755 "$D"
chmod 0644 "$D"/vmcore.*
expect_eq "the dumps' bytes and mtimes are unchanged" "$before" "$(sums)"
expect_eq "no file appeared beside the dumps" "vmcore.kdump-zlib vmcore.split.1 vmcore.split.2" "$(cd "$D" && echo *)"
if command -v strace >/dev/null && strace -f -qq -e trace=open,openat -o "$TMP/trace" true 2>/dev/null; then
	strace -f -qq -e trace=open,openat,creat,truncate,ftruncate -o "$TMP/trace" \
		"$KDIVE" -n -c "$every" "$D/vmcore.split.1" "$D/vmcore.split.2" >/dev/null 2>&1
	check "strace saw the dumps opened" grep -q 'vmcore.split.2", O_RDONLY' "$TMP/trace"
	if grep 'vmcore\.' "$TMP/trace" | grep -qE 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|truncate'; then
		not_ok "no open() of a dump asks for write access"
		grep 'vmcore\.' "$TMP/trace" | grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|truncate' | show
	else
		ok "no open() of a dump asks for write access"
	fi
else
	# as many checks as above, so every machine counts the same
	ok "strace saw the dumps opened # SKIP strace is not usable here"
	ok "no open() of a dump asks for write access # SKIP strace is not usable here"
fi
done_testing
