#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Address translation, vtop, rd of virtual memory and layout on Debian 12's
# backports kernel (6.12; scripts/mkvmcore --backports --no-dbg, the same
# fixture as t6005); the checks are in t2000-vtop-common.sh.
MKVMCORE_ARGS="--backports --no-dbg"
export MKVMCORE_ARGS
. "$KDIVE_SRCDIR/tests/real/t2000-vtop-common.sh"
