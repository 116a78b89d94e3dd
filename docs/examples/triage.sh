#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Triage many kernel dumps at once: run kdive in batch with --json on each
# (in parallel: GNU parallel when installed, else xargs -P), keep the JSON
# of each, and print a short summary per dump (release, tasks, the panic
# message and the panic task's stack, the most common stacks) and across
# dumps (panic messages by count).  See docs/triage.md.
#
#   docs/examples/triage.sh [-j JOBS] [-o DIR] [-x] DUMP...
#
#   -j JOBS  dumps read at once (default: the number of CPUs)
#   -o DIR   where to keep the results (default: triage-out); one
#            directory per dump (1, 2, ... in the order given) holding
#            sys.json ps.json bt.json stacks.json log.json, kdive's stderr
#            (err.txt) and exit status (rc); DIR/summary.json for them all
#   -x       use xargs -P even when GNU parallel is installed
#
# $KDIVE names the kdive binary (default: kdive on $PATH).  Needs jq.
#
# Exit status: 0 when every dump was read completely; 1 when kdive read
# every dump but left something out of some (its exit status 1: a page
# missing from the dump, an unreadable task; the JSON holds what it could
# read); 2 when a dump could not be opened at all, or on a usage error.
set -uo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
: "${KDIVE:=kdive}"

# ---- worker: one dump -------------------------------------------------------
if [ "${1:-}" = --one ]; then
	out=$2 idx=$3 dump=$4
	dir=$out/$idx
	mkdir -p "$dir" || exit 2
	printf '%s\n' "$dump" >"$dir/dump"
	case $dump in /*) ;; *) dump=$PWD/$dump ;; esac # kdive runs in $dir
	# One kdive per dump; its own '>' writes each command's JSON to a file.
	# Without -e every command runs even when one fails, so a damaged dump
	# still gives what can be read.
	rc=0
	(cd "$dir" && "$KDIVE" -n -c 'sys --json > sys.json; ps --json > ps.json;
		bt --json > bt.json; foreach -g bt --json > stacks.json; log --json > log.json' \
		"$dump" 2>err.txt) || rc=$?
	echo "$rc" >"$dir/rc"
	exit 0
fi

usage() {
	echo "usage: triage.sh [-j JOBS] [-o DIR] [-x] DUMP..." >&2
	exit 2
}
jobs=$(nproc 2>/dev/null || echo 2) out=triage-out use_xargs=0
while getopts 'j:o:x' opt; do
	case $opt in
	j) jobs=$OPTARG ;;
	o) out=$OPTARG ;;
	x) use_xargs=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
command -v jq >/dev/null || { echo "triage.sh: needs jq (apt-get install jq)" >&2; exit 2; }
command -v "$KDIVE" >/dev/null || { echo "triage.sh: no kdive at '$KDIVE' (set \$KDIVE)" >&2; exit 2; }
KDIVE=$(command -v "$KDIVE")
case $KDIVE in /*) ;; *) KDIVE=$PWD/$KDIVE ;; esac
export KDIVE
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd)
# The results of an earlier run in DIR (only what this script made there).
for old in "$out"/[0-9]*; do
	[ -f "$old/dump" ] && [ -f "$old/rc" ] && rm -rf "$old"
done

# ---- fan out ------------------------------------------------------------------
if [ "$use_xargs" = 0 ] && command -v parallel >/dev/null && parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
	runner=parallel
	parallel --will-cite -q -j "$jobs" "$self" --one "$out" '{#}' '{}' ::: "$@"
else
	runner="xargs"
	i=0
	for d in "$@"; do
		i=$((i + 1))
		printf '%s\0%s\0' "$i" "$d"
	done | xargs -0 -n 2 -P "$jobs" "$self" --one "$out"
fi
echo "triage.sh: $# dump(s) read by kdive, $jobs at a time ($runner)" >&2

# ---- summary --------------------------------------------------------------------
# One JSON object per dump from the files its kdive run left; a file that is
# missing or empty (the command failed) is null.
json_or_null() { if [ -s "$1" ] && jq -e . "$1" >/dev/null 2>&1; then cat "$1"; else echo null; fi; }
status=0
i=0
for d in "$@"; do
	i=$((i + 1))
	dir=$out/$i
	rc=$(cat "$dir/rc" 2>/dev/null || echo 2)
	jq -n --arg dump "$d" --argjson rc "$rc" \
		--argjson sys "$(json_or_null "$dir/sys.json")" \
		--argjson ps "$(json_or_null "$dir/ps.json")" \
		--argjson bt "$(json_or_null "$dir/bt.json")" \
		--argjson stacks "$(json_or_null "$dir/stacks.json")" \
		--argjson log "$(json_or_null "$dir/log.json")" \
		--rawfile err "$dir/err.txt" '
		def fns: [.[].function // "?"];
		{
			dump: $dump,
			exit: $rc,
			status: (if $sys == null then "failed" elif $rc == 0 then "ok" else "partial" end),
			errors: ($err | split("\n") | map(select(length > 0))),
			release: $sys.release,
			cpus: $sys.cpus,
			tasks: (if $ps == null then null else ($ps | length) end),
			panic: (if $sys.panic.panicked then {
				message: $sys.panic.message, cpu: $sys.panic.cpu,
				pid: $sys.context.pid, command: $sys.context.command } else null end),
			panic_stack: (if $sys.panic.panicked and $bt != null then ($bt[0].frames | fns) else null end),
			log_tail: (if $log == null then [] else ($log[-5:] | map(.text)) end),
			top_stacks: (if $stacks == null then [] else
				($stacks | sort_by(-.count) | .[:3] | map({count, frames: (.frames | fns),
					commands: (reduce .tasks[].command as $c ([]; if any(.[]; . == $c) then . else . + [$c] end))})) end)
		}' >"$dir/summary.json" ||
		jq -n --arg dump "$d" '{dump: $dump, status: "failed", errors: ["triage.sh: no usable output"]}' >"$dir/summary.json"
	case $(jq -r .status "$dir/summary.json") in
	failed) status=2 ;;
	partial) [ "$status" = 2 ] || status=1 ;;
	esac
done
for j in $(seq 1 "$#"); do cat "$out/$j/summary.json"; done | jq -s . >"$out/summary.json"

jq -r '.[] |
	"== \(.dump): \(.status) (kdive exit \(.exit))",
	(if .status == "failed" then "   " + (.errors[0] // "no output") else
	"   release \(.release)  cpus \(.cpus)  tasks \(.tasks // "?")",
	(if .panic then "   panic   \(.panic.message | @json) (pid \(.panic.pid) \(.panic.command), CPU \(.panic.cpu))",
		"   stack   \((.panic_stack // []) | join(" < "))"
	 else "   panic   none" end),
	(.errors[:3][] | "   error   " + .),
	"   top stacks:",
	(.top_stacks[] | "   \(.count | tostring | (" " * (5 - length)) + .)  \(.frames[:6] | join(" < "))  (\(.commands[:3] | join(", "))\(if (.commands | length) > 3 then ", ..." else "" end))")
	end)' "$out/summary.json"
echo
echo "PANIC MESSAGES"
jq -r '[.[] | select(.panic) | .panic.message] | group_by(.) | map({n: length, m: .[0]}) | sort_by(-.n)[] |
	"\(.n | tostring | (" " * (5 - length)) + .)  \(.m)"' "$out/summary.json"
jq -r '"\([.[] | select(.panic == null and .status != "failed")] | length) dump(s) without a panic, \([.[] | select(.status == "partial")] | length) partial, \([.[] | select(.status == "failed")] | length) failed; details in '"$out"'/summary.json"' "$out/summary.json"
exit "$status"
