/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The dump formats, one line each, in the order their probe() runs: the
 * first that accepts the header opens the dump.  KD_FORMAT(NAME) names the
 * `const struct kd_format_ops kd_format_NAME` a shell/fmt/ file defines.
 * shell/core/core.c includes this list twice (to declare and to tabulate),
 * so it has no include guard; see format.h for how to add a format.
 */
KD_FORMAT(kdump)  // "KDUMP   " or "DISKDUMP" (kdump.c)
KD_FORMAT(kcore)  // an ELF core with kcore's p_paddr -1 segments (elf.c): before elf
KD_FORMAT(elf)    // any other ELF core (elf.c)
