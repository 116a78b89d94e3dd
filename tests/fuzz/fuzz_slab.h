/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_slab's world: the kernel memory at TASKS_BASE (fuzz_dump.h) holds a
 * SLUB cache with its per-CPU and node structures, SPARSEMEM's mem_section
 * and struct pages for the frames of that memory, three slabs (a CPU slab
 * with a CPU freelist, a node-partial slab, a full slab on no list) with
 * hardened freelists, and one vmalloc area.  The types are a tiny BTF of
 * struct kmem_cache, kmem_cache_cpu, kmem_cache_node, slab, page,
 * vmap_area, vm_struct and rb_node at the offsets below (6.1's shapes);
 * the symbols a System.map; VMCOREINFO describes mem_section.  The direct
 * map translates frame 0x2000 + k to window page k (TASKS_PHYS).
 * fuzz_slab_btf() is the BTF, fuzz_slab_seed() the seed (mkseeds_mem).
 */
#ifndef KD_FUZZ_SLAB_H
#define KD_FUZZ_SLAB_H
#include <bpf/btf.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_mem.h"

enum {
	SL_HEAD = 0x000, SL_PCPU_OFF = 0x010, SL_NR_CPU = 0x018, SL_BASES = 0x020, SL_VMAP_ROOT = 0x038,
	SL_ROOTS = 0x040, SL_NAME = 0x0c0, SL_CACHE = 0x100, SL_CPU = 0x180, SL_NODE = 0x1c0, SL_VA = 0x200,
	SL_VM = 0x240, SL_SECTIONS = 0x1000, SL_PAGES = 0x2000, SL_SLAB0 = 0x4000,
	SL_PFN0 = 0x2000,      /* the frame of window page 0 (TASKS_PHYS >> 12) */
	SL_OBJ = 64, SL_FREEPTR = 32, SL_SEED_LEN = 0x7000,
	/* offsets in the tiny types */
	KC_CPU = 0, KC_FLAGS = 8, KC_SIZE = 16, KC_OBJSIZE = 20, KC_OFFSET = 24, KC_OO = 28, KC_NAME = 32,
	KC_LIST = 40, KC_RANDOM = 56, KC_RLP = 64, KC_NODE = 72, KC_BYTES = 88,
	CC_FREELIST = 0, CC_TID = 8, CC_SLAB = 16, CC_PARTIAL = 24, CC_BYTES = 32,
	KN_NR_PARTIAL = 8, KN_PARTIAL = 16, KN_NR_SLABS = 32, KN_TOTAL = 40, KN_FULL = 48, KN_BYTES = 64,
	SB_FLAGS = 0, SB_LIST = 8, SB_CACHE = 24, SB_FREELIST = 32, SB_COUNTERS = 40, SB_BYTES = 64,
	PG_HEAD = 8, PG_TYPE = 48,
};
#define SL_RANDOM 0x5a5aa5a5deadbeefull
#define SL_DIRECT 0xffff888000000000ull

#define FUZZ_SLAB_VMCOREINFO                                                                          \
	"SYMBOL(mem_section)=ffffffff82000040\nLENGTH(mem_section)=16\nSIZE(mem_section)=32\n"        \
	"OFFSET(mem_section.section_mem_map)=0\nNUMBER(SECTION_SIZE_BITS)=21\n"                         \
	"NUMBER(MAX_PHYSMEM_BITS)=32\nNUMBER(PG_slab)=9\nSIZE(page)=64\n"

#define FUZZ_SLAB_MAP                                                                                 \
	"ffffffff82000000 D slab_caches\nffffffff82000010 D __per_cpu_offset\n"                         \
	"ffffffff82000018 D nr_cpu_ids\nffffffff82000020 D page_offset_base\n"                          \
	"ffffffff82000028 D vmalloc_base\nffffffff82000030 D vmemmap_base\n"                            \
	"ffffffff82000038 d vmap_area_root\n"

static inline void *fuzz_slab_btf(size_t *size_ret)
{
	struct btf *b = btf__new_empty();
	if (!b)
		return NULL;
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int u64 = btf__add_int(b, "long unsigned int", 8, 0);
	int s64 = btf__add_int(b, "long int", 8, BTF_INT_SIGNED);
	int chr = btf__add_int(b, "char", 1, BTF_INT_CHAR);
	int voidp = btf__add_ptr(b, 0);
	int chrp = btf__add_ptr(b, chr);
	int lhp = btf__add_ptr(b, btf__add_fwd(b, "list_head", BTF_FWD_STRUCT));
	int slabp = btf__add_ptr(b, btf__add_fwd(b, "slab", BTF_FWD_STRUCT));
	int kccp = btf__add_ptr(b, btf__add_fwd(b, "kmem_cache_cpu", BTF_FWD_STRUCT));
	int kcnp = btf__add_ptr(b, btf__add_fwd(b, "kmem_cache_node", BTF_FWD_STRUCT));
	int kcp = btf__add_ptr(b, btf__add_fwd(b, "kmem_cache", BTF_FWD_STRUCT));
	int rbp = btf__add_ptr(b, btf__add_fwd(b, "rb_node", BTF_FWD_STRUCT));
	int vmp = btf__add_ptr(b, btf__add_fwd(b, "vm_struct", BTF_FWD_STRUCT));
	int lh = btf__add_struct(b, "list_head", 16);
	btf__add_field(b, "next", lhp, 0, 0);
	btf__add_field(b, "prev", lhp, 64, 0);
	int a64 = btf__add_struct(b, NULL, 8);
	btf__add_field(b, "counter", s64, 0, 0);
	int alt = btf__add_typedef(b, "atomic_long_t", a64);
	int oo = btf__add_struct(b, "kmem_cache_order_objects", 4);
	btf__add_field(b, "x", u32, 0, 0);
	int nodes = btf__add_array(b, u32, kcnp, 2);
	btf__add_struct(b, "kmem_cache", KC_BYTES);
	btf__add_field(b, "cpu_slab", kccp, KC_CPU * 8, 0);
	btf__add_field(b, "flags", u32, KC_FLAGS * 8, 0);
	btf__add_field(b, "size", u32, KC_SIZE * 8, 0);
	btf__add_field(b, "object_size", u32, KC_OBJSIZE * 8, 0);
	btf__add_field(b, "offset", u32, KC_OFFSET * 8, 0);
	btf__add_field(b, "oo", oo, KC_OO * 8, 0);
	btf__add_field(b, "name", chrp, KC_NAME * 8, 0);
	btf__add_field(b, "list", lh, KC_LIST * 8, 0);
	btf__add_field(b, "random", u64, KC_RANDOM * 8, 0);
	btf__add_field(b, "red_left_pad", u32, KC_RLP * 8, 0);
	btf__add_field(b, "node", nodes, KC_NODE * 8, 0);
	btf__add_struct(b, "kmem_cache_cpu", CC_BYTES);
	btf__add_field(b, "freelist", voidp, CC_FREELIST * 8, 0);
	btf__add_field(b, "tid", u64, CC_TID * 8, 0);
	btf__add_field(b, "slab", slabp, CC_SLAB * 8, 0);
	btf__add_field(b, "partial", slabp, CC_PARTIAL * 8, 0);
	btf__add_struct(b, "kmem_cache_node", KN_BYTES);
	btf__add_field(b, "list_lock", u32, 0, 0);
	btf__add_field(b, "nr_partial", u64, KN_NR_PARTIAL * 8, 0);
	btf__add_field(b, "partial", lh, KN_PARTIAL * 8, 0);
	btf__add_field(b, "nr_slabs", alt, KN_NR_SLABS * 8, 0);
	btf__add_field(b, "total_objects", alt, KN_TOTAL * 8, 0);
	btf__add_field(b, "full", lh, KN_FULL * 8, 0);
	int pc = btf__add_struct(b, NULL, 16);
	btf__add_field(b, "next", slabp, 0, 0);
	btf__add_field(b, "slabs", i32, 64, 0);
	int lu = btf__add_union(b, NULL, 16);
	btf__add_field(b, "slab_list", lh, 0, 0);
	btf__add_field(b, NULL, pc, 0, 0);
	int bits = btf__add_struct(b, NULL, 4);
	btf__add_field(b, "inuse", u32, 0, 16);
	btf__add_field(b, "objects", u32, 16, 15);
	btf__add_field(b, "frozen", u32, 31, 1);
	int cu = btf__add_union(b, NULL, 8);
	btf__add_field(b, "counters", u64, 0, 0);
	btf__add_field(b, NULL, bits, 0, 0);
	btf__add_struct(b, "slab", SB_BYTES);
	btf__add_field(b, "__page_flags", u64, SB_FLAGS * 8, 0);
	btf__add_field(b, NULL, lu, SB_LIST * 8, 0);
	btf__add_field(b, "slab_cache", kcp, SB_CACHE * 8, 0);
	btf__add_field(b, "freelist", voidp, SB_FREELIST * 8, 0);
	btf__add_field(b, NULL, cu, SB_COUNTERS * 8, 0);
	btf__add_struct(b, "page", 64);
	btf__add_field(b, "flags", u64, 0, 0);
	btf__add_field(b, "compound_head", u64, PG_HEAD * 8, 0);
	btf__add_field(b, "page_type", u32, PG_TYPE * 8, 0);
	btf__add_struct(b, "rb_node", 24);
	btf__add_field(b, "__rb_parent_color", u64, 0, 0);
	btf__add_field(b, "rb_right", rbp, 64, 0);
	btf__add_field(b, "rb_left", rbp, 128, 0);
	int rb = btf__find_by_name(b, "rb_node");
	btf__add_struct(b, "rb_root", 8);
	btf__add_field(b, "rb_node", rbp, 0, 0);
	btf__add_struct(b, "vmap_area", 64);
	btf__add_field(b, "va_start", u64, 0, 0);
	btf__add_field(b, "va_end", u64, 64, 0);
	btf__add_field(b, "rb_node", rb, 128, 0);
	btf__add_field(b, "list", lh, 320, 0);
	btf__add_field(b, "vm", vmp, 448, 0);
	btf__add_struct(b, "vm_struct", 64);
	btf__add_field(b, "next", vmp, 0, 0);
	btf__add_field(b, "addr", voidp, 64, 0);
	btf__add_field(b, "size", u64, 128, 0);
	btf__add_field(b, "flags", u64, 192, 0);
	btf__add_field(b, "pages", voidp, 256, 0);
	btf__add_field(b, "page_order", u32, 320, 0);
	btf__add_field(b, "nr_pages", u32, 352, 0);
	btf__add_field(b, "phys_addr", u64, 384, 0);
	btf__add_field(b, "caller", voidp, 448, 0);
	uint32_t size;
	const void *raw = btf__raw_data(b, &size);
	void *copy = raw ? malloc(size) : NULL;
	if (copy) {
		memcpy(copy, raw, size);
		*size_ret = size;
	}
	btf__free(b);
	return copy;
}

static inline void fuzz_slab_put(unsigned char *m, unsigned off, uint64_t v, unsigned size)
{
	memcpy(m + off, &v, size); /* the seed is little-endian, as the dump */
}

/* A hardened free pointer: next ^ random ^ swab(where) (mm/slub.c freelist_ptr). */
static inline void fuzz_slab_chain(unsigned char *m, unsigned slab_off, const unsigned *objs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t obj = SL_DIRECT + ((uint64_t)SL_PFN0 << 12) + slab_off + objs[i] * SL_OBJ;
		uint64_t next = i + 1 < n ? SL_DIRECT + ((uint64_t)SL_PFN0 << 12) + slab_off + objs[i + 1] * SL_OBJ : 0;
		uint64_t where = obj + SL_FREEPTR;
		fuzz_slab_put(m, slab_off + objs[i] * SL_OBJ + SL_FREEPTR, next ^ SL_RANDOM ^ __builtin_bswap64(where), 8);
	}
}

/* The seed: SL_SEED_LEN bytes into m (zeroed by the caller). */
static inline size_t fuzz_slab_seed(unsigned char *m)
{
	const uint64_t B = TASKS_BASE, D = SL_DIRECT + ((uint64_t)SL_PFN0 << 12);
	fuzz_slab_put(m, SL_HEAD, B + SL_CACHE + KC_LIST, 8);
	fuzz_slab_put(m, SL_HEAD + 8, B + SL_CACHE + KC_LIST, 8);
	fuzz_slab_put(m, SL_NR_CPU, 1, 4);
	fuzz_slab_put(m, SL_BASES, SL_DIRECT, 8);
	fuzz_slab_put(m, SL_BASES + 8, 0xffffc90000000000ull, 8);
	fuzz_slab_put(m, SL_BASES + 16, 0xffffea0000000000ull, 8);
	fuzz_slab_put(m, SL_VMAP_ROOT, B + SL_VA + 16, 8);
	fuzz_slab_put(m, SL_ROOTS, B + SL_SECTIONS, 8); /* sections 0..127; 16 holds frame 0x2000 */
	memcpy(m + SL_NAME, "kmalloc-64", 11);
	unsigned c = SL_CACHE;
	fuzz_slab_put(m, c + KC_CPU, B + SL_CPU, 8); /* __per_cpu_offset[0] is 0 */
	fuzz_slab_put(m, c + KC_SIZE, SL_OBJ, 4);
	fuzz_slab_put(m, c + KC_OBJSIZE, SL_OBJ, 4);
	fuzz_slab_put(m, c + KC_OFFSET, SL_FREEPTR, 4);
	fuzz_slab_put(m, c + KC_OO, 4096 / SL_OBJ, 4); /* order 0 */
	fuzz_slab_put(m, c + KC_NAME, B + SL_NAME, 8);
	fuzz_slab_put(m, c + KC_LIST, B + SL_HEAD, 8);
	fuzz_slab_put(m, c + KC_LIST + 8, B + SL_HEAD, 8);
	fuzz_slab_put(m, c + KC_RANDOM, SL_RANDOM, 8);
	fuzz_slab_put(m, c + KC_NODE, B + SL_NODE, 8);
	/* three slabs at frames 0x2004 (CPU), 0x2005 (node partial), 0x2006 (full) */
	uint64_t page0 = B + SL_PAGES;
	fuzz_slab_put(m, SL_SECTIONS + 16 * 32, (page0 - (uint64_t)SL_PFN0 * 64) | 3, 8);
	for (unsigned k = 4; k < 7; k++) {
		unsigned p = SL_PAGES + k * 64;
		fuzz_slab_put(m, p + SB_FLAGS, 1ull << 9, 8);
		fuzz_slab_put(m, p + SB_CACHE, B + c, 8);
		unsigned inuse = k == 5 ? 62 : 64;
		fuzz_slab_put(m, p + SB_COUNTERS, inuse | (64u << 16) | (k == 4 ? 1u << 31 : 0), 4);
	}
	unsigned cpu_free[] = { 3, 7, 11 }, part_free[] = { 0, 5 };
	fuzz_slab_chain(m, SL_SLAB0, cpu_free, 3);
	fuzz_slab_chain(m, SL_SLAB0 + 0x1000, part_free, 2);
	fuzz_slab_put(m, SL_CPU + CC_FREELIST, D + SL_SLAB0 + 3 * SL_OBJ, 8);
	fuzz_slab_put(m, SL_CPU + CC_SLAB, page0 + 4 * 64, 8);
	fuzz_slab_put(m, SL_PAGES + 5 * 64 + SB_FREELIST, D + SL_SLAB0 + 0x1000, 8);
	unsigned n = SL_NODE;
	fuzz_slab_put(m, n + KN_NR_PARTIAL, 1, 8);
	fuzz_slab_put(m, n + KN_PARTIAL, page0 + 5 * 64 + SB_LIST, 8);
	fuzz_slab_put(m, n + KN_PARTIAL + 8, page0 + 5 * 64 + SB_LIST, 8);
	fuzz_slab_put(m, SL_PAGES + 5 * 64 + SB_LIST, B + n + KN_PARTIAL, 8);
	fuzz_slab_put(m, SL_PAGES + 5 * 64 + SB_LIST + 8, B + n + KN_PARTIAL, 8);
	fuzz_slab_put(m, n + KN_NR_SLABS, 3, 8);
	fuzz_slab_put(m, n + KN_TOTAL, 192, 8);
	fuzz_slab_put(m, n + KN_FULL, B + n + KN_FULL, 8);
	fuzz_slab_put(m, n + KN_FULL + 8, B + n + KN_FULL, 8);
	/* one vmalloc area of 3 pages (2 mapped and the guard), vmalloc'ed */
	fuzz_slab_put(m, SL_VA, 0xffffc90000000000ull, 8);
	fuzz_slab_put(m, SL_VA + 8, 0xffffc90000003000ull, 8);
	fuzz_slab_put(m, SL_VA + 56, B + SL_VM, 8);
	fuzz_slab_put(m, SL_VM + 8, 0xffffc90000000000ull, 8);
	fuzz_slab_put(m, SL_VM + 16, 0x3000, 8);
	fuzz_slab_put(m, SL_VM + 24, 2, 8);
	fuzz_slab_put(m, SL_VM + 44, 2, 4);
	fuzz_slab_put(m, SL_VM + 56, B + SL_PCPU_OFF, 8);
	return SL_SEED_LEN;
}

#endif
