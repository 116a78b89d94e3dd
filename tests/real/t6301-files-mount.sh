#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# files, fuser and mount on the real dumps against what the guest read from
# /proc just before the dump: the marker's descriptors (readlink of
# /proc/PID/fd/N: a file, a pipe, unix/udp/tcp sockets) and /proc/mounts.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

jq_q() { jq "$@" >/dev/null; }
mpid=$(truth marker | sed -n 's/^pid=//p')
field() { truth marker | sed -n "s/^$1=//p"; }

check_files() { # LABEL DUMP-FILES...
	local label=$1
	shift
	run_kd -c "files --json $mpid" "$@"
	expect_eq "$label: files --json exits 0" 0 "$rc"
	[ "$rc" = 0 ] || { show "$TMP/err"; return; }
	jq -r '.[0].files[] | "\(.fd) \(.path)"' "$TMP/out" >"$TMP/got"
	truth marker_fds >"$TMP/want"
	expect_eq "$label: every descriptor and path of the marker ($(wc -l <"$TMP/want") fds) as /proc/PID/fd" \
		"$(cat "$TMP/want")" "$(cat "$TMP/got")"
}
check_files "kaslr elf" "$FIX/vmcore.elf"
# makedumpfile -d 31 drops user and cache pages; file tables are kernel memory.
check_files "kaslr kdump-zlib" "$FIX/vmcore.kdump-zlib"
check_files "kaslr split set" "$FIX/vmcore.split.1" "$FIX/vmcore.split.2"
D=$FIX/vmcore.elf

run_kd -c "files --json $mpid" "$D"
type_of() { jq -r --argjson f "$1" '.[0].files[] | select(.fd == $f) | .type' "$TMP/out"; }
expect_eq "files: the marker's file (fd $(field fd_file)) is REG" REG "$(type_of "$(field fd_file)")"
for fd in $(field fd_pipe | tr , ' '); do
	expect_eq "files: pipe end fd $fd is FIFO" FIFO "$(type_of "$fd")"
done
for fd in $(field fd_unix | tr , ' ') $(field fd_udp) $(field fd_tcp); do
	expect_eq "files: socket fd $fd is SOCK" SOCK "$(type_of "$fd")"
done
# The number in pipe:[N] and socket:[N] is the inode number (fs/pipe.c, net/socket.c).
bad=$(jq -r '.[0].files[] | select(.path | test("^(pipe|socket):")) | select(.path != ((.path | sub("\\[.*"; "")) + "[\(.ino)]")) | .fd' "$TMP/out")
expect_eq "files: pipe:[N] and socket:[N] name the inode number" "" "$bad"
p1=$(field fd_pipe | cut -d, -f1)
p2=$(field fd_pipe | cut -d, -f2)
expect_eq "files: both ends of the pipe have one inode" \
	"$(jq -r --argjson f "$p1" '.[0].files[] | select(.fd == $f) | .inode' "$TMP/out")" \
	"$(jq -r --argjson f "$p2" '.[0].files[] | select(.fd == $f) | .inode' "$TMP/out")"
dentry=$(jq -r --argjson f "$(field fd_file)" '.[0].files[] | select(.fd == $f) | .dentry' "$TMP/out")
inode=$(jq -r --argjson f "$(field fd_file)" '.[0].files[] | select(.fd == $f) | .inode' "$TMP/out")

run_kd -c "files $mpid" "$D"
check "files text: crash's header" grep -q '^ FD       FILE            DENTRY           INODE       TYPE PATH$' "$TMP/out"
check "files text: the task line" grep -q "^PID: $mpid .*COMMAND: \"$(field comm)\"" "$TMP/out"
check "files text: the marker's file" grep -qE "^ +$(field fd_file) [0-9a-f]{16} [0-9a-f]{16} [0-9a-f]{16} REG  $(field file_path)\$" "$TMP/out"

# -d: the path within the dentry's own file system: the file's path less
# the mount point of the file system it is on (the longest one in /proc/mounts).
fpath=$(field file_path)
mp=$(truth mounts | awk -v p="$fpath" '{ m = $2; if ((index(p, m "/") == 1 || m == "/") && length(m) > length(best)) best = m } END { print best }')
want=${fpath#"$mp"}
run_kd -c "files -d $dentry --json" "$D"
expect_eq "files -d: path within its file system (mounted on $mp)" "$want" "$(jq -r .path "$TMP/out")"
expect_eq "files -d: its inode" "$inode" "$(jq -r .inode "$TMP/out")"

run_kd -c "fuser --json $fpath" "$D"
expect_eq "fuser: the marker uses its file through a descriptor" "$mpid fd" \
	"$(jq -r '.[] | "\(.pid) \(.usage | join(","))"' "$TMP/out")"
run_kd -c "fuser --json $inode" "$D"
expect_eq "fuser INODE: the same" "$mpid" "$(jq -r '.[].pid' "$TMP/out")"
run_kd -c "fuser --json /" "$D"
check "fuser /: init's root" jq_q -e '.[] | select(.pid == 1) | .usage | index("root") != null' "$TMP/out"

check_mount() { # LABEL DUMP-FILES...
	local label=$1
	shift
	run_kd -c 'mount --json' "$@"
	expect_eq "$label: mount --json exits 0" 0 "$rc"
	expect_eq "$label: every mount of /proc/mounts, in order (device, point, type)" \
		"$(truth mounts | awk '{ print $1, $2, $3 }')" \
		"$(jq -r '.[] | "\(.devname) \(.dirname) \(.type)"' "$TMP/out")"
}
check_mount "kaslr elf" "$D"
check_mount "kaslr kdump-lzo" "$FIX/vmcore.kdump-lzo"
run_kd -c 'mount' "$D"
check "mount text: crash's header" grep -q '^     MOUNT           SUPERBLK      TYPE       DEVNAME      DIRNAME$' "$TMP/out"
run_kd -c 'mount -f --json' "$D"
check "mount -f: the marker's file is open on $mp" \
	jq_q -e --arg mp "$mp" --arg f "$fpath" '.[] | select(.dirname == $mp) | .open_files | map(.path) | index($f) != null' "$TMP/out"
run_kd -c "mount -n $mpid --json" "$D"
expect_eq "mount -n PID: the marker's namespace is init's" "$(truth mounts | wc -l)" "$(jq length "$TMP/out")"
done_testing
