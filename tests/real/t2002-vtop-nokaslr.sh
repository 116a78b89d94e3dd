#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Address translation, vtop, rd of virtual memory and layout on the nokaslr dump;
# the checks are in t2000-vtop-common.sh.
MKVMCORE_ARGS=--nokaslr
export MKVMCORE_ARGS
. "$KDIVE_SRCDIR/tests/real/t2000-vtop-common.sh"
