#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# t6401-pagemap-dump.sh on the arm64 fixture (scripts/mkvmcore --arch arm64:
# Debian's 6.1 arm64 kernel, 4 KiB pages; QEMU's dumps only, no makedumpfile
# form).
KDIVE_PAGEMAP_ARGS="--arch arm64"
. "$KDIVE_SRCDIR/tests/real/t6401-pagemap-dump.sh"
