/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Input layouts of the fuzz targets over kernel memory that mkseeds_mem
 * writes seeds for: fuzz_pgtable (a header, then physical memory),
 * fuzz_kallsyms (a header of region offsets, then the regions),
 * fuzz_tasks and fuzz_kmodules (the kernel memory at TASKS_BASE).
 */
#ifndef KD_FUZZ_MEM_H
#define KD_FUZZ_MEM_H
#include <stdint.h>

/* ---- fuzz_pgtable ---- */
enum { PGT_NVA = 8, PGT_MAX_MEM = 1 << 20 };
enum { PGT_LA57 = 1, PGT_USER = 2, PGT_SME = 4, PGT_STEXT = 8, PGT_BASES = 16 };
struct pgt_hdr {
	uint8_t flags;     /* PGT_* */
	uint8_t root;      /* page number of the kernel root table */
	uint8_t user_root; /* page number of the user root table (PGT_USER) */
	uint8_t pad[5];
	uint64_t va[PGT_NVA];
};
#define PGT_HDR sizeof(struct pgt_hdr)

/* ---- fuzz_kallsyms ---- */
/*
 * The input is kernel memory at KSYMS_BASE; its first 64 bytes say where
 * each table is (offsets from KSYMS_BASE, 0 = absent) and the flags.
 */
#define KSYMS_BASE 0xffffffff82000000ull
enum { KSYMS_ABS = 1, KSYMS_STEXT = 2 };
struct ksyms_hdr {
	uint32_t names, token_table, token_index, num_syms;
	uint32_t offsets, relative_base, addresses, flags;
	uint64_t stext;
	uint8_t pad[24];
};
#define KSYMS_HDR sizeof(struct ksyms_hdr)

/* ---- fuzz_tasks ---- */
#define TASKS_BASE 0xffffffff82000000ull
#define TASKS_PHYS 0x2000000ull
enum { TASKS_WINDOW = 0x10000 };
/* The tiny types of fuzz_btf.h: offsets in task_struct, signal_struct, mm_struct. */
enum {
	TS_STATE = 0, TS_FLAGS = 4, TS_CPU = 8, TS_TASKS = 16, TS_MM = 32, TS_PID = 40, TS_TGID = 44,
	TS_REAL_PARENT = 48, TS_PARENT = 56, TS_SIGNAL = 64, TS_THREAD_NODE = 72, TS_COMM = 88,
	TS_START_TIME = 104, TS_SIZE = 128,
	SIG_THREAD_HEAD = 8, SIG_SIZE = 64,
	MM_PGD = 0, MM_TOTAL_VM = 8, MM_SIZE = 64,
};
/* Where the seed puts init_task (the System.map the target writes says so). */
enum { TASKS_INIT = 0x100 };

/* ---- fuzz_kmodules (same window as fuzz_tasks) ---- */
/* The tiny types of fuzz_btf.h: offsets in struct module and mod_kallsyms. */
enum {
	MOD_LIST = 0, MOD_NAME = 16, MOD_NAME_LEN = 56, MOD_KALLSYMS = 72, MOD_CORE_BASE = 80,
	MOD_CORE_SIZE = 88, MOD_SIZE = 128,
	MKS_SYMTAB = 0, MKS_NUM = 8, MKS_STRTAB = 16, MKS_TYPETAB = 24, MKS_SIZE = 32,
};
/* Where the `modules` list head is (the System.map the target writes says so). */
enum { MODS_HEAD = 0x80 };

/* ---- fuzz_walk: the container walkers' core ---- */
/* The memory after the header is at WALK_BASE; roots are offsets into it. */
#define WALK_BASE 0xffff888000000000ull
struct walk_hdr {
	uint32_t root[5];  /* list head, hlist head, rb_root, xarray, maple_tree */
	uint32_t hole;     /* 1 + the page left out of the memory, 0 = none */
	uint32_t flags;    /* 2 bits per walker: KD_WALK_PATH, KD_WALK_START_NODE */
	uint8_t pad[36];
};

#endif
