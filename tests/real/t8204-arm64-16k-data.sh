#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# t8202-arm64-data.sh on Debian's 16 KiB-page arm64 kernel (linux-image-6.12-arm64-16k:
# 6.12, 52-bit VAs, 4 levels, KALLSYMS_ALL; QEMU's ELF and kdump dumps only,
# makedumpfile 1.7.2 cannot convert 16 KiB pages).
KDIVE_ARM64_ARGS="--arch arm64 --kernel linux-image-6.12-arm64-16k"
. "$KDIVE_SRCDIR/tests/real/t8202-arm64-data.sh"
