/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The synthetic dump of fuzz_log: the fuzz input is the kernel memory at
 * LOG_FUZZ_BASE (kernel text mapping, phys_base 0), and VMCOREINFO points
 * SYMBOL(prb) at its first word.  mkseeds.c writes a valid seed with the
 * ring buffer header at LOG_RB, descriptors, infos and text data after it.
 */
#ifndef KD_FUZZ_LOG_H
#define KD_FUZZ_LOG_H

#define LOG_FUZZ_BASE 0xffffffff82000000ull
#define LOG_FUZZ_PHYS 0x2000000ull
#define LOG_FUZZ_WINDOW 0x10000 /* bytes of memory the dump holds */
#define LOG_FUZZ_SEED_SIZE 0x1000
#define LOG_RB 0x40
#define LOG_DESCS 0x100
#define LOG_INFOS 0x200
#define LOG_DATA 0x800

#endif
