#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Address translation, vtop, rd of virtual memory and layout on the 5-level paging (qemu -cpu max) dump;
# the checks are in t2000-vtop-common.sh.
MKVMCORE_ARGS=--la57
export MKVMCORE_ARGS
. "$KDIVE_SRCDIR/tests/real/t2000-vtop-common.sh"
