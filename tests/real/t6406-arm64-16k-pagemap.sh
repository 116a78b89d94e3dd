#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# t6401-pagemap-dump.sh on Debian's 16 KiB-page arm64 kernel
# (linux-image-6.12-arm64-16k; QEMU's dumps only).
KDIVE_PAGEMAP_ARGS="--arch arm64 --kernel linux-image-6.12-arm64-16k"
. "$KDIVE_SRCDIR/tests/real/t6401-pagemap-dump.sh"
