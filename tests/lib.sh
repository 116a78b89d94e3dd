# SPDX-License-Identifier: GPL-3.0-or-later
# TAP helpers for kdive's shell tests (sourced).  Each check prints one
# "ok N - title" or "not ok N - title"; done_testing prints the plan.
# $KDIVE is the binary under test (set by make check).
: "${KDIVE:=$(pwd)/kdive}"
: "${KDIVE_SRCDIR:=$(pwd)}"
: "${KDIVE_BUILDDIR:=$(pwd)}"
tap_n=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kdive-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); echo "not ok $tap_n - $*"; }
# check TITLE COMMAND...: ok when the command succeeds.
check() {
	title=$1
	shift
	if "$@"; then ok "$title"; else not_ok "$title"; fi
}
# expect_eq TITLE EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3"
	fi
}
# run_kd ARGS...: runs kdive -n, stdout in $TMP/out, stderr in $TMP/err, status in $rc.
run_kd() {
	rc=0
	"$KDIVE" -n "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
}
show() { sed 's/^/#   /' "$@"; }
done_testing() {
	echo "1..$tap_n"
	exit 0
}
