#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Address translation, vtop, rd of virtual memory and layout on the KASLR (default fixture) dump;
# the checks are in t2000-vtop-common.sh.
. "$KDIVE_SRCDIR/tests/real/t2000-vtop-common.sh"
