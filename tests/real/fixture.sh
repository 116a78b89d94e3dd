# SPDX-License-Identifier: GPL-3.0-or-later
# Find (or make) the real-dump fixture: $KDIVE_FIXTURE, else scripts/mkvmcore
# (cached; the first run downloads the Debian kernel and boots it in QEMU).
# A missing fixture is a failure, never a skip.  Sets FIX and TRUTH.
# Optional: MKVMCORE_ARGS for another variant (e.g. --nokaslr).
if [ -n "${KDIVE_FIXTURE:-}" ] && [ -z "${MKVMCORE_ARGS:-}" ]; then
	FIX=$KDIVE_FIXTURE
else
	# shellcheck disable=SC2086
	FIX=$("$KDIVE_SRCDIR/scripts/mkvmcore" --quiet ${MKVMCORE_ARGS:-} | tail -n 1) || FIX=
fi
if [ -z "$FIX" ] || [ ! -f "$FIX/DONE" ]; then
	# Numbered after the checks so far (a test may make a second fixture
	# half-way), so the TAP stream stays well-formed.
	not_ok "real dump fixture: scripts/mkvmcore ${MKVMCORE_ARGS:-} failed (see its output)"
	done_testing
fi
TRUTH=$FIX/truth.txt
truth() { "$KDIVE_SRCDIR/scripts/truth" "$TRUTH" "$1"; }
