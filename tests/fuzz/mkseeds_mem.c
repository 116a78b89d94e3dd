// SPDX-License-Identifier: GPL-3.0-or-later
// mkseeds_mem: write the seeds of the fuzz targets over kernel memory
// (layouts in fuzz_mem.h) into a directory:
//   DIR/pgtable-4.in, pgtable-5.in  4- and 5-level page tables: kernel text
//       in 2 MiB pages, a 1 GiB direct-map page, user 4 KiB pages, a swap
//       entry, and a PGD entry pointing back to the PGD (a cycle)
//   DIR/kallsyms.in  kallsyms tables for 6 symbols, base-relative offsets
//   DIR/kmodules.in  the modules list: three modules, each with its core
//       layout and kallsyms (two symbols and an undefined one); memory at
//       TASKS_BASE, the types of fuzz_btf.h
//   DIR/btf.in       the tiny BTF of fuzz_btf.h (with libbpf)
//   DIR/slab.in      a SLUB cache with three slabs and a vmalloc area
//       (fuzz_slab.h; memory at TASKS_BASE)
//   DIR/tasks.in     init_task, two processes and a second thread (memory
//       at TASKS_BASE; the types of fuzz_btf.h)
// Usage: mkseeds_mem DIR
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#ifdef HAVE_LIBBPF
#include "fuzz_btf.h"
#include "fuzz_slab.h"
#endif
#include "fuzz_mem.h"

static int write_file(const char *dir, const char *name, const void *p, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* ---- page tables ---- */

enum { PGT_PAGES = 24 };
static unsigned char pm[PGT_PAGES * 4096];
static unsigned npages;

// Map va to pa with a leaf at shift (30, 21 or 12) under the root page.
static void map(unsigned root, bool la57, uint64_t va, uint64_t pa, unsigned leaf, uint64_t flags)
{
	static const unsigned s4[] = { 39, 30, 21, 12 }, s5[] = { 48, 39, 30, 21, 12 };
	const unsigned *sh = la57 ? s5 : s4;
	uint64_t table = (uint64_t)root * 4096;
	for (unsigned d = 0;; d++) {
		unsigned char *e = pm + table + ((va >> sh[d]) & 511) * 8;
		if (sh[d] == leaf) {
			put64(e, pa | flags | (leaf != 12 ? 0x80 : 0));
			return;
		}
		if (!get64(e)) {
			if (npages >= PGT_PAGES)
				exit(1);
			put64(e, (uint64_t)npages++ * 4096 | 0x67);
		}
		table = get64(e) & 0x000ffffffffff000ull;
	}
}

static size_t mkpgtable(unsigned char *out, bool la57)
{
	memset(pm, 0, sizeof(pm));
	npages = 3; // 0: data, 1: kernel root, 2: user root
	uint64_t dmap = la57 ? 0xff11000000000000ull : 0xffff888000000000ull;
	map(1, la57, 0xffffffff81000000ull, 0x1000000, 21, 0x63);
	map(1, la57, 0xffffffff81200000ull, 0x1200000, 21, 0x63);
	map(1, la57, dmap, 0, 30, 0x63);
	map(1, la57, 0xffffc90000000000ull, 0x4000, 12, 0x63);
	map(2, la57, 0x7f0000001000ull, 0x5000, 12, 0x67);
	map(2, la57, 0x7f0000002000ull, 0, 12, 0);
	// A swap entry (type 3, offset 0x1234) and a cycle back to the root.
	unsigned char *pte = pm + (get64(pm + 2 * 4096) & 0xff000);
	(void)pte;
	uint64_t swp = (~0x1234ull << 14 >> 5) | (3ull << 59);
	map(2, la57, 0x7f0000003000ull, 0, 12, 0);
	// find the PTE entry just written and overwrite it with the swap entry
	{
		static const unsigned s4[] = { 39, 30, 21, 12 }, s5[] = { 48, 39, 30, 21, 12 };
		const unsigned *sh = la57 ? s5 : s4;
		uint64_t table = 2 * 4096, va = 0x7f0000003000ull;
		for (unsigned d = 0; sh[d] != 12; d++)
			table = get64(pm + table + ((va >> sh[d]) & 511) * 8) & 0xff000;
		put64(pm + table + ((va >> 12) & 511) * 8, swp);
	}
	put64(pm + 4096 + 300 * 8, 4096 | 0x63); // PGD[300] -> the PGD
	struct pgt_hdr h = { .flags = (la57 ? PGT_LA57 : 0) | PGT_STEXT, .root = 1, .user_root = 2 };
	static const uint64_t va[PGT_NVA] = { 0xffffffff81000000ull, 0xffffffff81200123ull,
					      0xffff888000001000ull, 0x7f0000001000ull,
					      0x7f0000003000ull, 0xffff960000000000ull,
					      0x8000000000000000ull, 0xffffc90000000000ull };
	memcpy(h.va, va, sizeof(va));
	if (la57)
		h.va[2] = 0xff11000000001000ull;
	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), pm, (size_t)npages * 4096);
	return sizeof(h) + (size_t)npages * 4096;
}

/* ---- kallsyms ---- */

static size_t mkkallsyms(unsigned char *out)
{
	static const char *const names[] = { "T_stext", "Tschedule", "Dinit_task", "Djiffies",
					     "tdo_one_initcall", "Bpercpu_thing" };
	static const uint32_t offs[] = { 0, 0x52dd0, 0x1a1aa40, 0x1a079c0, 0x1000, 0x2a00000 };
	enum { N = 6 };
	struct ksyms_hdr h = { .offsets = 64, .relative_base = 96, .num_syms = 104, .names = 112,
			       .flags = KSYMS_STEXT, .stext = 0xffffffff81000000ull };
	memset(out, 0, 2048);
	memcpy(out + h.offsets, offs, sizeof(offs));
	put64(out + h.relative_base, 0xffffffff81000000ull);
	uint32_t n = N;
	memcpy(out + h.num_syms, &n, 4);
	size_t p = h.names;
	for (int i = 0; i < N; i++) {
		size_t len = strlen(names[i]);
		out[p++] = (unsigned char)len;
		memcpy(out + p, names[i], len); // token c is the character c
		p += len;
	}
	p = (p + 7) & ~(size_t)7;
	p += 8; // the markers: one, 0
	h.token_table = (uint32_t)p;
	uint16_t idx[256];
	for (int i = 0; i < 256; i++) {
		idx[i] = (uint16_t)(p - h.token_table);
		out[p++] = (unsigned char)(i && i < 128 ? i : '?');
		out[p++] = 0;
	}
	p = (p + 7) & ~(size_t)7;
	h.token_index = (uint32_t)p;
	memcpy(out + p, idx, sizeof(idx));
	p += sizeof(idx);
	memcpy(out, &h, sizeof(h));
	return p;
}

/* ---- tasks ---- */

static unsigned char tm[0x2000];

static uint64_t va(uint32_t off)
{
	return TASKS_BASE + off;
}

static void task(uint32_t at, int pid, int tgid, const char *comm, uint32_t next, uint32_t sig,
		 uint32_t thread_next, uint32_t parent, uint32_t mm)
{
	unsigned char *t = tm + at;
	put64(t + TS_TASKS, va(next + TS_TASKS));
	put64(t + TS_TASKS + 8, va(at + TS_TASKS)); // prev: not used
	memcpy(t + TS_PID, &pid, 4);
	memcpy(t + TS_TGID, &tgid, 4);
	strncpy((char *)t + TS_COMM, comm, 16);
	put64(t + TS_SIGNAL, va(sig));
	put64(t + TS_THREAD_NODE, va(thread_next));
	put64(t + TS_REAL_PARENT, va(parent));
	put64(t + TS_PARENT, va(parent));
	put64(t + TS_MM, mm ? va(mm) : 0);
	uint32_t state = pid == 2 ? 0x402 : 1, flags = pid == 0 || pid == 2 ? 0x00200000 : 0;
	memcpy(t + TS_STATE, &state, 4);
	memcpy(t + TS_FLAGS, &flags, 4);
}

static size_t mktasks(unsigned char *out)
{
	enum { INIT = TASKS_INIT, A = 0x200, B = 0x300, C = 0x400, SI = 0x800, SA = 0x880, SB = 0x900,
	       MM = 0xa00 };
	// init_task -> A (systemd, pid 1) -> B (kthreadd-like, pid 2) -> init_task;
	// B has a second thread C (pid 3) on its signal's thread_head.
	task(INIT, 0, 0, "swapper/0", A, SI, SI + SIG_THREAD_HEAD, INIT, 0);
	task(A, 1, 1, "systemd", B, SA, SA + SIG_THREAD_HEAD, INIT, MM);
	task(B, 2, 2, "worker", INIT, SB, C + TS_THREAD_NODE, INIT, 0);
	task(C, 3, 2, "worker-thr", INIT, SB, SB + SIG_THREAD_HEAD, INIT, 0);
	put64(tm + SI + SIG_THREAD_HEAD, va(INIT + TS_THREAD_NODE));
	put64(tm + SA + SIG_THREAD_HEAD, va(A + TS_THREAD_NODE));
	put64(tm + SB + SIG_THREAD_HEAD, va(B + TS_THREAD_NODE));
	put64(tm + MM + MM_PGD, va(0x1000));
	put64(tm + MM + MM_TOTAL_VM, 1234);
	memcpy(out, tm, sizeof(tm));
	return sizeof(tm);
}

/* ---- kernel modules ---- */

static size_t mkkmodules(unsigned char *out)
{
	enum { MODS = 0x200, KS = 0x600, SYMTAB = 0x800, STRTAB = 0xb00, TYPETAB = 0xd00, N = 3 };
	static const char *const names[N] = { "ext4", "xfs", "dm_mod" };
	static unsigned char m[0x1000];
	memset(m, 0, sizeof(m));
	// modules -> ext4 -> xfs -> dm_mod -> modules, and back by prev.
	put64(m + MODS_HEAD, va(MODS + MOD_LIST));
	put64(m + MODS_HEAD + 8, va(MODS + (N - 1) * 0x100 + MOD_LIST));
	for (uint32_t i = 0; i < N; i++) {
		uint32_t mod = MODS + i * 0x100, ks = KS + i * 0x40, sym = SYMTAB + i * 0x100;
		uint32_t str = STRTAB + i * 0x80, typ = TYPETAB + i * 0x10;
		uint64_t base = 0xffffffffc0000000ull + i * 0x10000ull;
		put64(m + mod + MOD_LIST, i + 1 < N ? va(mod + 0x100 + MOD_LIST) : va(MODS_HEAD));
		put64(m + mod + MOD_LIST + 8, i ? va(mod - 0x100 + MOD_LIST) : va(MODS_HEAD));
		strcpy((char *)m + mod + MOD_NAME, names[i]);
		put64(m + mod + MOD_KALLSYMS, va(ks));
		put64(m + mod + MOD_CORE_BASE, base);
		uint32_t size = 0x8000;
		memcpy(m + mod + MOD_CORE_SIZE, &size, 4);
		put64(m + ks + MKS_SYMTAB, va(sym));
		uint32_t num = 4;
		memcpy(m + ks + MKS_NUM, &num, 4);
		put64(m + ks + MKS_STRTAB, va(str));
		put64(m + ks + MKS_TYPETAB, va(typ));
		// Symbol 0 is the null symbol; 3 is undefined (skipped).
		char *st = (char *)m + str + 1;
		Elf64_Sym syms[4] = { { 0 } };
		static const char *const suffix[] = { "", "_init", "_data", "" };
		static const char types[] = "\0td\0";
		for (int j = 1; j < 4; j++) {
			syms[j].st_name = (uint32_t)(st - (char *)m - str);
			st += sprintf(st, "%s%s", j == 3 ? "printk" : names[i], suffix[j]) + 1;
			syms[j].st_value = j == 3 ? 0 : base + (j == 1 ? 0x10 : 0x4000);
			syms[j].st_size = 0x40;
			syms[j].st_shndx = j == 3 ? SHN_UNDEF : 1;
			m[typ + j] = j == 3 ? 'U' : (unsigned char)types[j];
		}
		memcpy(m + sym, syms, sizeof(syms));
	}
	memcpy(out, m, sizeof(m));
	return sizeof(m);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds_mem DIR\n");
		return 2;
	}
	static unsigned char buf[PGT_HDR + PGT_PAGES * 4096];
	int rc = 0;
	size_t len = mkpgtable(buf, false);
	rc |= write_file(argv[1], "pgtable-4.in", buf, len);
	len = mkpgtable(buf, true);
	rc |= write_file(argv[1], "pgtable-5.in", buf, len);
	len = mkkallsyms(buf);
	rc |= write_file(argv[1], "kallsyms.in", buf, len);
	len = mktasks(buf);
	rc |= write_file(argv[1], "tasks.in", buf, len);
	len = mkkmodules(buf);
	rc |= write_file(argv[1], "kmodules.in", buf, len);
#ifdef HAVE_LIBBPF
	size_t bsize;
	void *btf = fuzz_tiny_btf(&bsize);
	if (!btf)
		return 1;
	rc |= write_file(argv[1], "btf.in", btf, bsize);
	free(btf);
	memset(buf, 0, sizeof(buf));
	len = fuzz_slab_seed(buf);
	rc |= write_file(argv[1], "slab.in", buf, len);
#endif
	return rc;
}
