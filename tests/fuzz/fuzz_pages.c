// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the page layer (shell/core/page.c) over arbitrary memory.
// The input is the kernel memory at TASKS_BASE of a synthetic ELF vmcore
// (fuzz_dump.h) whose VMCOREINFO puts a SPARSEMEM_EXTREME mem_section
// table there (16 roots of 256 sections of 256 pages: SECTION_SIZE_BITS 20,
// MAX_PHYSMEM_BITS 32); the types are a tiny BTF made here (struct page,
// struct mem_section, enum pageflags).  kd_pages_load, a walk of every page
// frame, pfn <-> struct page both ways, kd_page_read of each page walked,
// kd_page_read_pfns of a list (each pfn in order, decoded as alone),
// pagemap's kpageflags word of each (kd_kpf_of_page, which reads compound
// heads and looks for the free block around a page) and the flag and type
// names must all end without a memory error, within a
// bound linear in the sections the table can hold.  Seed: seeds/pages/.
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kdive/kpf.h>
#include <kdive/page.h>

#include "core/session_priv.h"
#include "fuzz.h"
#include "fuzz_dump.h"

static const char vmcoreinfo[] = FUZZ_DUMP_VMCOREINFO
	"SYMBOL(_stext)=ffffffff81000000\n"
	"SYMBOL(mem_section)=ffffffff82000000\nLENGTH(mem_section)=16\nSIZE(mem_section)=16\n"
	"OFFSET(mem_section.section_mem_map)=0\nNUMBER(SECTION_SIZE_BITS)=20\n"
	"NUMBER(MAX_PHYSMEM_BITS)=32\nSIZE(page)=64\nNUMBER(PG_lru)=4\nNUMBER(PG_slab)=9\n"
	"NUMBER(PG_head_mask)=65536\nNUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
	"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n";

// struct page as 6.1 lays it out (the members page.c reads), struct
// mem_section, and enum pageflags with an alias after __NR_PAGEFLAGS.
static void *tiny_btf(size_t *size_ret)
{
	static const char *const flags[] = { "PG_locked", "PG_referenced", "PG_uptodate", "PG_dirty", "PG_lru",
					     "PG_active", "PG_workingset", "PG_waiters", "PG_error", "PG_slab",
					     "PG_owner_priv_1", "PG_arch_1", "PG_reserved", "PG_private",
					     "PG_private_2", "PG_writeback", "PG_head" };
	struct btf *b = btf__new_empty();
	if (!b)
		return NULL;
	int u8 = btf__add_int(b, "unsigned char", 1, 0);
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int u64 = btf__add_int(b, "long unsigned int", 8, 0);
	int voidp = btf__add_ptr(b, 0);
	btf__add_struct(b, "page", 64);
	btf__add_field(b, "flags", u64, 0, 0);
	btf__add_field(b, "compound_head", u64, 64, 0);
	btf__add_field(b, "compound_dtor", u8, 128, 0);
	btf__add_field(b, "compound_order", u8, 136, 0);
	btf__add_field(b, "mapping", voidp, 192, 0);
	btf__add_field(b, "index", u64, 256, 0);
	btf__add_field(b, "private", u64, 320, 0);
	btf__add_field(b, "_mapcount", i32, 384, 0);
	btf__add_field(b, "_refcount", i32, 416, 0);
	btf__add_field(b, "memcg_data", u64, 448, 0);
	btf__add_struct(b, "mem_section", 16);
	btf__add_field(b, "section_mem_map", u64, 0, 0);
	btf__add_field(b, "usage", voidp, 64, 0);
	btf__add_enum(b, "pageflags", 4);
	for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		btf__add_enum_value(b, flags[i], i);
	btf__add_enum_value(b, "__NR_PAGEFLAGS", 17);
	btf__add_enum_value(b, "PG_swapcache", 10);
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

struct walk {
	struct kd_session *s;
	struct kd_kpf_dump *kpf; // pagemap's kpageflags word, computed per page
	unsigned long pages, lost;
};

static int page_cb(const struct kd_page *pg, const struct kd_error *err, void *arg)
{
	struct walk *w = arg;
	char buf[256];
	if (err) {
		w->lost++;
		return 0;
	}
	w->pages++;
	kd_page_flags_str(w->s, pg->flags, ",", buf, sizeof(buf));
	kd_page_types_str(pg->types, ",", buf, sizeof(buf));
	uint64_t pfn, page;
	struct kd_page again;
	struct kd_error *e = kd_page_to_pfn(w->s, pg->addr + 8, &pfn);
	if (!e && pfn != pg->pfn)
		abort(); // the walk and the reverse lookup disagree
	kd_error_destroy(e);
	e = kd_pfn_to_page(w->s, pg->pfn, &page);
	if (!e && page != pg->addr)
		abort();
	kd_error_destroy(e);
	kd_error_destroy(kd_page_read(w->s, pg->addr, &again));
	if (w->kpf) {
		uint64_t count;
		uint64_t kpf = kd_kpf_of_page(w->kpf, pg, KD_KPF_LOOKUP, &count);
		if (getenv("KDIVE_FUZZ_PAGES_SHOW"))
			printf("pfn %llx kpageflags %llx count %llu\n", (unsigned long long)pg->pfn,
			       (unsigned long long)kpf, (unsigned long long)count);
	}
	if (getenv("KDIVE_FUZZ_PAGES_SHOW")) {
		kd_page_flags_str(w->s, pg->flags, ",", buf, sizeof(buf));
		printf("pfn %llx page %llx flags %s types %x order %u%s\n", (unsigned long long)pg->pfn,
		       (unsigned long long)pg->addr, buf, pg->types, pg->order,
		       pg->compound ? (pg->head == pg->addr ? " head" : " tail") : "");
	}
	return 0;
}

// kd_page_read_pfns over a list with runs, repeats, a section boundary and
// pfns beyond the table: each pfn is passed in the order given, and a page
// it read decodes as kd_page_read decodes it alone.
struct list {
	struct kd_session *s;
	const uint64_t *pfns;
	size_t n, i;
};

static int list_cb(const struct kd_page *pg, const struct kd_error *err, void *arg)
{
	struct list *l = arg;
	if (l->i >= l->n || pg->pfn != l->pfns[l->i])
		abort(); // out of order, or more pages than asked for
	l->i++;
	if (err)
		return 0;
	struct kd_page one;
	struct kd_error *e = kd_page_read(l->s, pg->addr, &one);
	if (!e && (one.pfn != pg->pfn || one.flags != pg->flags || one.mapping != pg->mapping ||
		   one.index != pg->index || one.private_ != pg->private_ || one.refcount != pg->refcount ||
		   one.mapcount != pg->mapcount || one.head != pg->head || one.compound != pg->compound ||
		   ((one.types != pg->types || one.order != pg->order) && pg->pfn % 256 != 255)))
		abort(); // (a head at a section's last frame: the bulk read stops there)
	kd_error_destroy(e);
	return 0;
}

static void read_list(struct kd_session *s, const uint8_t *data, size_t size)
{
	uint64_t pfns[64] = { 0, 1, 2, 3, 3, 2, 254, 255, 256, 257, 4095, 4096, 1ull << 40, 5, 6, 7 };
	size_t n = 16;
	for (size_t i = 0; i + 2 <= size && n < 64; i += 97)
		pfns[n++] = (uint64_t)data[i] << 8 | data[i + 1];
	struct list l = { .s = s, .pfns = pfns, .n = n };
	kd_error_destroy(kd_page_read_pfns(s, pfns, n, list_cb, &l));
	if (l.i != n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static char btf_path[64];
	if (!devnull) {
		size_t bsize;
		void *btf = tiny_btf(&bsize);
		if (!btf || fuzz_memfd("kdive-fuzz-pages-btf", btf, bsize, btf_path) < 0)
			abort();
		free(btf);
		if (!(devnull = fopen("/dev/null", "w")))
			abort();
	}
	char path[64];
	int fd = fuzz_dump(vmcoreinfo, data, size, path);
	if (fd < 0)
		return 0;
	FILE *saved = stderr;
	stderr = devnull;
	struct kd_session_opts opts = { .btf = btf_path };
	struct kd_session *s;
	struct kd_error *err = kd_session_create(path, &opts, &s);
	if (!err) {
		s->out = devnull;
		err = kd_pages_load(s);
		if (!err) {
			struct walk w = { .s = s };
			kd_error_destroy(kd_kpf_dump_create(s, &w.kpf));
			kd_error_destroy(kd_page_walk(s, 0, kd_page_max_pfn(s), page_cb, &w));
			kd_kpf_dump_destroy(w.kpf);
			read_list(s, data, size);
			for (uint64_t nr = 0; nr < kd_mem_section_count(s); nr += 97) {
				struct kd_mem_section ms;
				kd_error_destroy(kd_mem_section_get(s, nr, &ms));
			}
			uint64_t pfn;
			kd_error_destroy(kd_page_to_pfn(s, 0xffffffff82001234ull, &pfn));
			if (getenv("KDIVE_FUZZ_PAGES_SHOW"))
				printf("pages %lu lost %lu\n", w.pages, w.lost);
		}
		if (err && getenv("KDIVE_FUZZ_PAGES_SHOW"))
			printf("load: %s\n", err->msg);
		kd_error_destroy(err);
		kd_session_destroy(s);
	} else {
		if (getenv("KDIVE_FUZZ_PAGES_SHOW"))
			printf("open: %s\n", err->msg);
		kd_error_destroy(err);
	}
	stderr = saved;
	close(fd);
	return 0;
}
