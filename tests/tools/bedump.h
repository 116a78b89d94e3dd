/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Synthetic dumps in either byte order, for the byte-order tests (mkbedump,
 * tests/unit/test_endian.c): a kdump-compressed file (header version 6, raw
 * pages, every page kept) or an ELF64 core (one PT_NOTE with VMCOREINFO, one
 * PT_LOAD from physical 0), of any machine and page size, whose memory holds
 * known values at known physical addresses (bd_fill).  Every header field is
 * written byte by byte in the dump's order, so the host's order never leaks
 * in.  Layouts: makedumpfile's diskdump_mod.h (as in tests/unit/test_kdump.c)
 * and the System V gABI's ELF64 header, program header and note.
 */
#ifndef KD_TESTS_BEDUMP_H
#define KD_TESTS_BEDUMP_H
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BD_NPAGES = 4 };

struct bd_spec {
	bool be;              /* big-endian */
	unsigned em;          /* ELF e_machine (EM_S390, EM_PPC64...) */
	const char *machine;  /* utsname.machine for the kdump header ("s390x", "ppc64") */
	uint32_t page_size;   /* 4096 or 65536 */
};

static inline void bd_put(unsigned char *p, unsigned size, uint64_t v, bool be)
{
	for (unsigned i = 0; i < size; i++)
		p[be ? size - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

/* A bitfield of width w at bit offset bo (as BTF and DWARF number it: from
 * the least significant bit on little-endian machines, from the most
 * significant on big-endian ones) in a storage unit of size bytes. */
static inline uint64_t bd_bits(uint64_t unit, unsigned size, unsigned bo, unsigned w, uint64_t v, bool be)
{
	uint64_t mask = w < 64 ? (1ull << w) - 1 : ~0ull;
	return unit | (v & mask) << (be ? size * 8 - bo - w : bo);
}

/* The known values, at physical address page_size (page 1):
 *   +0  u64 0x0123456789abcdef     +8  u64 0xfffffffffffffffe (-2)
 *   +16 u32 0x89abcdef, 0x00000005 +24 u16 0xfedc 0x0102 0x8000 0x0007
 *   +32 struct kd_bt (48 bytes), whose members test_endian.c describes in BTF:
 *       +0 ptr 0x000003ff12345678  +8 int -3  +12 u16 0x1234  +14 char 'A'
 *       +16 unsigned a:3 = 5, b:7 = 0x55, c:22 = 0x2abcd
 *       +20 int d:4 = -3; unsigned e:28 = 0xabcdef
 *       +24 u64 f:12 = 0xabc, g:40 = 0x123456789a, h:12 = 0xdef
 *       +32 enum = 2   +40 double 2.5
 *   +0x100 a list_head list: the head, then BD_LIST_N nodes 0x40 apart */
enum { BD_STRUCT_OFF = 32, BD_STRUCT_SIZE = 48, BD_LIST_OFF = 0x100, BD_LIST_N = 3 };

static inline void bd_fill(unsigned char *mem, const struct bd_spec *sp)
{
	bool be = sp->be;
	unsigned char *p = mem + sp->page_size;
	bd_put(p + 0, 8, 0x0123456789abcdefull, be);
	bd_put(p + 8, 8, 0xfffffffffffffffeull, be);
	bd_put(p + 16, 4, 0x89abcdef, be);
	bd_put(p + 20, 4, 5, be);
	bd_put(p + 24, 2, 0xfedc, be);
	bd_put(p + 26, 2, 0x0102, be);
	bd_put(p + 28, 2, 0x8000, be);
	bd_put(p + 30, 2, 0x0007, be);
	unsigned char *o = p + BD_STRUCT_OFF;
	bd_put(o + 0, 8, 0x000003ff12345678ull, be);
	bd_put(o + 8, 4, (uint32_t)-3, be);
	bd_put(o + 12, 2, 0x1234, be);
	o[14] = 'A';
	uint64_t u = bd_bits(0, 4, 0, 3, 5, be);
	u = bd_bits(u, 4, 3, 7, 0x55, be);
	u = bd_bits(u, 4, 10, 22, 0x2abcd, be);
	bd_put(o + 16, 4, u, be);
	u = bd_bits(0, 4, 0, 4, (uint64_t)-3, be);
	u = bd_bits(u, 4, 4, 28, 0xabcdef, be);
	bd_put(o + 20, 4, u, be);
	u = bd_bits(0, 8, 0, 12, 0xabc, be);
	u = bd_bits(u, 8, 12, 40, 0x123456789aull, be);
	u = bd_bits(u, 8, 52, 12, 0xdef, be);
	bd_put(o + 24, 8, u, be);
	bd_put(o + 32, 4, 2, be);
	double d = 2.5;
	uint64_t bits;
	memcpy(&bits, &d, 8);
	bd_put(o + 40, 8, bits, be);
	// A list_head list (next at +0, prev at +8) of BD_LIST_N nodes, its
	// head at BD_LIST_OFF, node i at BD_LIST_OFF + 0x40 * (i + 1); the
	// links are physical addresses, in the dump's order.
	uint64_t head = sp->page_size + BD_LIST_OFF;
	for (unsigned i = 0; i <= BD_LIST_N; i++) {
		uint64_t me = head + 0x40 * i;
		uint64_t next = i < BD_LIST_N ? me + 0x40 : head, prev = i ? me - 0x40 : head + 0x40 * BD_LIST_N;
		bd_put(p + BD_LIST_OFF + 0x40 * i, 8, next, be);
		bd_put(p + BD_LIST_OFF + 0x40 * i + 8, 8, prev, be);
	}
}

static inline char *bd_vmcoreinfo(const struct bd_spec *sp)
{
	static char text[128];
	snprintf(text, sizeof(text), "OSRELEASE=6.1.0-bedump\nPAGESIZE=%u\n", sp->page_size);
	return text;
}

static inline int bd_write(const char *path, const unsigned char *img, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(img, 1, len, f);
	return fclose(f) == 0 && n == len ? 0 : -1;
}

/* kdump-compressed: header (block 0), sub-header (1), the two bitmaps (2, 3),
 * page descriptors (4), then the pages, stored raw. */
static inline int bd_write_kdump(const char *path, const struct bd_spec *sp)
{
	size_t bs = sp->page_size, mem_len = BD_NPAGES * bs;
	size_t data = 5 * bs, len = data + mem_len;
	unsigned char *img = calloc(1, len);
	if (!img)
		return -1;
	bool be = sp->be;
	memcpy(img, "KDUMP   ", 8);
	bd_put(img + 8, 4, 6, be);                 // header_version
	strcpy((char *)img + 12, "Linux");         // utsname.sysname
	strcpy((char *)img + 142, "6.1.0-bedump"); // utsname.release
	strcpy((char *)img + 272, sp->machine);    // utsname.machine
	bd_put(img + 428, 4, bs, be);              // block_size
	bd_put(img + 432, 4, 1, be);               // sub_hdr_size
	bd_put(img + 436, 4, 2, be);               // bitmap_blocks
	bd_put(img + 460, 4, 1, be);               // nr_cpus
	unsigned char *sh = img + bs;
	const char *vmci = bd_vmcoreinfo(sp);
	memcpy(sh + 512, vmci, strlen(vmci));
	bd_put(sh + 8, 4, 31, be);                 // dump_level
	bd_put(sh + 32, 8, bs + 512, be);          // offset_vmcoreinfo
	bd_put(sh + 40, 8, strlen(vmci), be);      // size_vmcoreinfo
	bd_put(sh + 96, 8, BD_NPAGES, be);         // max_mapnr_64
	for (unsigned pfn = 0; pfn < BD_NPAGES; pfn++) {
		img[2 * bs + pfn / 8] |= (unsigned char)(1 << (pfn % 8));
		img[3 * bs + pfn / 8] |= (unsigned char)(1 << (pfn % 8));
		unsigned char *d = img + 4 * bs + pfn * 24;
		bd_put(d, 8, data + pfn * bs, be);  // offset
		bd_put(d + 8, 4, bs, be);           // size
		bd_put(d + 12, 4, 0, be);           // flags: not compressed
	}
	bd_fill(img + data, sp);
	int r = bd_write(path, img, len);
	free(img);
	return r;
}

/* ELF64 core: header, two program headers, the VMCOREINFO note, memory at page_size. */
static inline int bd_write_elf(const char *path, const struct bd_spec *sp)
{
	size_t bs = sp->page_size, mem_len = BD_NPAGES * bs;
	size_t len = bs + mem_len;
	unsigned char *img = calloc(1, len);
	if (!img)
		return -1;
	bool be = sp->be;
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = ELFCLASS64;
	img[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
	bd_put(img + 16, 2, ET_CORE, be);
	bd_put(img + 18, 2, sp->em, be);
	bd_put(img + 20, 4, EV_CURRENT, be);
	bd_put(img + 32, 8, 64, be);   // e_phoff
	bd_put(img + 52, 2, 64, be);   // e_ehsize
	bd_put(img + 54, 2, 56, be);   // e_phentsize
	bd_put(img + 56, 2, 2, be);    // e_phnum
	const char *vmci = bd_vmcoreinfo(sp);
	size_t vlen = strlen(vmci), noff = 64 + 2 * 56;
	unsigned char *n = img + noff;
	bd_put(n, 4, 11, be);          // n_namesz ("VMCOREINFO\0")
	bd_put(n + 4, 4, vlen, be);    // n_descsz
	bd_put(n + 8, 4, 0, be);       // n_type
	memcpy(n + 12, "VMCOREINFO", 11);
	memcpy(n + 24, vmci, vlen);
	size_t nlen = 24 + ((vlen + 3) & ~(size_t)3);
	unsigned char *ph = img + 64;
	bd_put(ph + 0, 4, PT_NOTE, be);
	bd_put(ph + 8, 8, noff, be);
	bd_put(ph + 32, 8, nlen, be);
	ph += 56;
	bd_put(ph + 0, 4, PT_LOAD, be);
	bd_put(ph + 4, 4, PF_R | PF_W | PF_X, be);
	bd_put(ph + 8, 8, bs, be);       // p_offset
	bd_put(ph + 24, 8, 0, be);       // p_paddr
	bd_put(ph + 32, 8, mem_len, be); // p_filesz
	bd_put(ph + 40, 8, mem_len, be); // p_memsz
	bd_fill(img + bs, sp);
	int r = bd_write(path, img, len);
	free(img);
	return r;
}

#endif
