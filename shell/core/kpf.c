// SPDX-License-Identifier: GPL-3.0-or-later
// The /proc/kpageflags word: its bits' names and meanings, page-types'
// symbolic and long forms, its filters and views (<kdive/kpf.h>).  Bit
// numbers: include/uapi/linux/kernel-page-flags.h (0-26), fs/proc/page.c
// (32-41, kernel-internal) and tools/mm/page-types.c (47-63: slots it uses
// for overloaded bits and for the pagemap entry's bits).  The one-letter
// symbols are page-types' (users compare our output with its), the
// meanings are ours, written for people learning the page allocator.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/kpf.h>

static const struct kd_kpf_info table[] = {
	{ KD_KPF_LOCKED, 'L', "locked", "locked for exclusive access, e.g. while I/O fills it" },
	{ KD_KPF_ERROR, 'E', "error", "an I/O error happened on this page" },
	{ KD_KPF_REFERENCED, 'R', "referenced", "accessed recently (the LRU's second chance)" },
	{ KD_KPF_UPTODATE, 'U', "uptodate", "its contents are valid (read from disk or written)" },
	{ KD_KPF_DIRTY, 'D', "dirty", "modified in memory, not yet written back to its file or swap" },
	{ KD_KPF_LRU, 'l', "lru", "on an LRU list: reclaim may consider it" },
	{ KD_KPF_ACTIVE, 'A', "active", "on the active LRU list (in use recently)" },
	{ KD_KPF_SLAB, 'S', "slab", "owned by the slab allocator (kmalloc and kmem caches)" },
	{ KD_KPF_WRITEBACK, 'W', "writeback", "being written back to storage now" },
	{ KD_KPF_RECLAIM, 'I', "reclaim", "to be reclaimed as soon as its writeback ends" },
	{ KD_KPF_BUDDY, 'B', "buddy", "free: a block in the buddy allocator's free lists" },
	{ KD_KPF_MMAP, 'M', "mmap", "mapped into at least one process's page tables" },
	{ KD_KPF_ANON, 'a', "anonymous", "anonymous memory (heap, stack, private copies), no file behind it" },
	{ KD_KPF_SWAPCACHE, 's', "swapcache", "in the swap cache: has a swap slot" },
	{ KD_KPF_SWAPBACKED, 'b', "swapbacked", "backed by swap (anonymous or shmem/tmpfs), not by a file" },
	{ KD_KPF_COMPOUND_HEAD, 'H', "compound_head", "first page of a compound page (a folio of several pages)" },
	{ KD_KPF_COMPOUND_TAIL, 'T', "compound_tail", "a later page of a compound page" },
	{ KD_KPF_HUGE, 'G', "huge", "part of a hugetlbfs huge page" },
	{ KD_KPF_UNEVICTABLE, 'u', "unevictable", "cannot be reclaimed (mlocked, ramfs, ...)" },
	{ KD_KPF_HWPOISON, 'X', "hwpoison", "hardware reported a memory error in it" },
	{ KD_KPF_NOPAGE, 'n', "nopage", "no struct page for this frame (a hole in memory)" },
	{ KD_KPF_KSM, 'x', "ksm", "merged by KSM: shared between identical pages" },
	{ KD_KPF_THP, 't', "thp", "part of a transparent huge page" },
	{ KD_KPF_OFFLINE, 'o', "offline", "logically offline (ballooned out or being hot-removed)" },
	{ KD_KPF_ZERO_PAGE, 'z', "zero_page", "the shared zero page (or huge zero page)" },
	{ KD_KPF_IDLE, 'i', "idle_page", "not accessed since marked idle (page_idle tracking)" },
	{ KD_KPF_PGTABLE, 'g', "pgtable", "holds a page table" },
	{ KD_KPF_RESERVED, 'r', "reserved", "reserved: never given to the allocator (kernel image, firmware)" },
	{ KD_KPF_MLOCKED, 'm', "mlocked", "locked in memory by mlock()" },
	{ KD_KPF_OWNER_2, 'd', "owner_2", "a flag for the page's owner (overloaded, see anon_exclusive)" },
	{ KD_KPF_PRIVATE, 'P', "private", "page->private is in use (e.g. buffer heads)" },
	{ KD_KPF_PRIVATE_2, 'p', "private_2", "a second private flag of the file system" },
	{ KD_KPF_OWNER_PRIVATE, 'O', "owner_private", "a flag private to the page's owner" },
	{ KD_KPF_ARCH, 'h', "arch", "an architecture-specific flag" },
	{ KD_KPF_UNCACHED, 'c', "uncached", "mapped uncached" },
	{ KD_KPF_SOFTDIRTY, 'f', "softdirty", "written since its soft-dirty bit was last cleared" },
	{ KD_KPF_ARCH_2, 'H', "arch_2", "a second architecture-specific flag" },
	{ KD_KPF_ANON_EXCLUSIVE, 'd', "anon_exclusive", "anonymous and known to be mapped by one process only" },
	{ KD_KPF_READAHEAD, 'I', "readahead", "read ahead of use (the reclaim bit, on a page not under writeback)" },
	{ KD_KPF_SLUB_FROZEN, 'A', "slub_frozen", "a slab frozen on a CPU (the active bit, on a slab page)" },
	{ KD_KPF_SLUB_DEBUG, 'E', "slub_debug", "a slab with debugging on (the error bit, on a slab page)" },
	{ KD_KPF_FILE, 'F', "file", "pagemap: a file page or shared anonymous memory" },
	{ KD_KPF_SWAP, 'w', "swap", "pagemap: swapped out" },
	{ KD_KPF_MMAP_EXCLUSIVE, '1', "mmap_exclusive", "pagemap: mapped by this process only" },
};
enum { NBITS = sizeof(table) / sizeof(table[0]) };

const struct kd_kpf_info *kd_kpf_table(size_t *n_ret)
{
	*n_ret = NBITS;
	return table;
}

const struct kd_kpf_info *kd_kpf_find(unsigned bit)
{
	for (size_t i = 0; i < NBITS; i++)
		if (table[i].bit == bit)
			return &table[i];
	return NULL;
}

const char *kd_kpf_symbolic(uint64_t flags, char *buf, size_t size)
{
	size_t j = 0;
	for (size_t i = 0; i < NBITS && j + 1 < size; i++)
		buf[j++] = (flags >> table[i].bit) & 1 ? table[i].letter : '_';
	if (size)
		buf[j < size ? j : size - 1] = '\0';
	return buf;
}

const char *kd_kpf_long(uint64_t flags, char *buf, size_t size)
{
	size_t n = 0;
	if (!size)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < NBITS; i++) {
		if (!((flags >> table[i].bit) & 1))
			continue;
		int w = snprintf(buf + n, size - n, "%s%s", n ? "," : "", table[i].name);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	return buf;
}

uint64_t kd_kpf_well_known(uint64_t flags)
{
	const uint64_t hackers = 0xffffULL << 32;
	const uint64_t compound = KD_KPF_BIT(COMPOUND_HEAD) | KD_KPF_BIT(COMPOUND_TAIL);
	flags &= ~hackers;
	if ((flags & compound) && !(flags & KD_KPF_BIT(HUGE)))
		flags &= ~compound;
	return flags;
}

// Swap one bit for another: the kernel reuses some PG_ bits by context
// (include/linux/page-flags.h: PG_anon_exclusive = PG_owner_2 on anonymous
// pages; SLUB's frozen and debug states on PG_active and PG_error of slab
// pages; PG_readahead = PG_reclaim on pages not under writeback).
static uint64_t move_bit(uint64_t flags, uint64_t from, uint64_t to)
{
	return (flags & ~from) | to;
}

uint64_t kd_kpf_raw(uint64_t flags, uint64_t pme)
{
	if ((flags & KD_KPF_BIT(ANON)) && (flags & KD_KPF_BIT(OWNER_2)))
		flags = move_bit(flags, KD_KPF_BIT(OWNER_2), KD_KPF_BIT(ANON_EXCLUSIVE));
	if (flags & KD_KPF_BIT(SLAB)) {
		if (flags & KD_KPF_BIT(ACTIVE))
			flags = move_bit(flags, KD_KPF_BIT(ACTIVE), KD_KPF_BIT(SLUB_FROZEN));
		if (flags & KD_KPF_BIT(ERROR))
			flags = move_bit(flags, KD_KPF_BIT(ERROR), KD_KPF_BIT(SLUB_DEBUG));
	}
	if ((flags & (KD_KPF_BIT(RECLAIM) | KD_KPF_BIT(WRITEBACK))) == KD_KPF_BIT(RECLAIM))
		flags = move_bit(flags, KD_KPF_BIT(RECLAIM), KD_KPF_BIT(READAHEAD));
	if (pme & KD_PM_SOFT_DIRTY)
		flags |= KD_KPF_BIT(SOFTDIRTY);
	if (pme & KD_PM_FILE)
		flags |= KD_KPF_BIT(FILE);
	if (pme & KD_PM_SWAP)
		flags |= KD_KPF_BIT(SWAP);
	if (pme & KD_PM_MMAP_EXCLUSIVE)
		flags |= KD_KPF_BIT(MMAP_EXCLUSIVE);
	return flags;
}

// One -b item: a bit name (exact, "anon" for anonymous, or a prefix that
// names one bit) or a number (a mask).
static struct kd_error *item_mask(const char *item, size_t len, uint64_t *mask)
{
	char name[64];
	if (len == 0 || len >= sizeof(name))
		return kd_error_create(KD_ERR_USAGE, "empty or too long flag name in '%.*s'", (int)len, item);
	memcpy(name, item, len);
	name[len] = '\0';
	if (name[0] >= '0' && name[0] <= '9') {
		char *end;
		unsigned long long v = strtoull(name, &end, 0);
		if (*end || !v)
			return kd_error_create(KD_ERR_USAGE, "bad flags mask '%s'", name);
		*mask = v;
		return NULL;
	}
	if (strcmp(name, "anon") == 0)
		strcpy(name, "anonymous");
	const struct kd_kpf_info *hit = NULL;
	int hits = 0;
	for (size_t i = 0; i < NBITS; i++) {
		if (strcmp(table[i].name, name) == 0) {
			*mask = 1ULL << table[i].bit;
			return NULL;
		}
		if (strncmp(table[i].name, name, len) == 0) {
			hit = &table[i];
			hits++;
		}
	}
	if (hits == 1) {
		*mask = 1ULL << hit->bit;
		return NULL;
	}
	return kd_error_create(KD_ERR_USAGE, "%s flag name '%s' (see pagemap -d 0xffffffffffffffff)",
			       hits ? "ambiguous" : "unknown", name);
}

struct kd_error *kd_kpf_filter_parse(const char *spec, struct kd_kpf_filter *ret)
{
	memset(ret, 0, sizeof(*ret));
	for (const char *p = spec; *p;) {
		size_t len = strcspn(p, ",");
		bool clear = *p == '~';
		uint64_t m = 0;
		struct kd_error *err = item_mask(p + clear, len - clear, &m);
		if (err)
			return err;
		ret->mask |= m;
		if (clear)
			ret->bits &= ~m;
		else
			ret->bits |= m;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!ret->mask)
		return kd_error_create(KD_ERR_USAGE, "empty flags filter");
	return NULL;
}
