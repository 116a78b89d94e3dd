// SPDX-License-Identifier: GPL-3.0-or-later
// kmem -i, -V, -o and -h: the kernel's own counters, never a page walk.
// -i computes each line as fs/proc/meminfo.c does (totalram_pages,
// vm_zone_stat[] and vm_node_stat[] of include/linux/vmstat.h,
// nr_blockdev_pages() over blockdev_superblock's inodes, hstates[] of
// include/linux/hugetlb.h, total_swap_pages / nr_swap_pages,
// vm_commit_limit() and vm_committed_as of mm/util.c); -V prints the global
// counters under the kernel's own names (vmstat_text[] of mm/vmstat.c), the
// NUMA events folded from each CPU's per_cpu_zonestat and the vm events
// summed over the CPUs as /proc/vmstat does.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/symbols.h>
#include <kdive/types.h>

#include "kmem.h"

enum { MAX_INODES = 1 << 20, MAX_HSTATES = 64, MAX_ITEMS = 4096 };

// One element of a global array of longs (vm_zone_stat[], vm_node_stat[]).
static struct kd_error *stat_item(struct kd_session *s, const char *array, const char *etype,
				  const char *item, int64_t *ret)
{
	int64_t idx;
	uint64_t a;
	uint8_t b[8];
	struct kd_error *err = kmem_enum(s, etype, item, &idx);
	if (!err)
		err = kd_symbol_address(s, array, &a);
	if (!err && (idx < 0 || idx >= MAX_ITEMS))
		err = kd_error_create(KD_ERR_CORRUPT, "%s = %" PRId64, item, idx);
	if (!err)
		err = kd_read_kernel(s, a + (uint64_t)idx * 8, b, 8);
	if (err)
		return kd_error_prefix(err, "reading %s[%s]", array, item);
	*ret = (int64_t)kd_dump_u64(s, b);
	if (*ret < 0) // global_node_page_state() clamps the racy sum at 0
		*ret = 0;
	return NULL;
}

// nr_blockdev_pages(): the page caches of the block devices' inodes.
static struct kd_error *blockdev_pages(struct kd_session *s, uint64_t *ret)
{
	uint64_t sb, off_list, off_sb_list, off_map, off_nr;
	struct kd_member_info m;
	struct kd_error *err = kmem_read_sym(s, "blockdev_superblock", 8, &sb);
	*ret = 0;
	if (err)
		return err;
	if ((err = kd_type_member(s, "super_block", "s_inodes", &m)))
		return err;
	off_list = m.offset;
	if ((err = kd_type_member(s, "inode", "i_sb_list", &m)))
		return err;
	off_sb_list = m.offset;
	if ((err = kd_type_member(s, "inode", "i_mapping", &m)))
		return err;
	off_map = m.offset;
	if ((err = kd_type_member(s, "address_space", "nrpages", &m)))
		return err;
	off_nr = m.offset;
	uint64_t head = sb + off_list, node;
	uint8_t b[8];
	struct kd_cycle c = { 0 };
	if ((err = kd_read_kernel(s, head, b, 8)))
		return kd_error_prefix(err, "reading the block devices' inode list");
	node = kd_dump_u64(s, b);
	for (unsigned n = 0; node != head; n++) {
		if (!node || n >= MAX_INODES || kd_cycle_step(&c, node))
			return kd_error_addr(KD_ERR_CORRUPT, head, "the block devices' inode list at %016" PRIx64
					     " does not return to its head", head);
		uint64_t inode = node - off_sb_list, map, nr;
		if ((err = kd_read_kernel(s, inode + off_map, b, 8)))
			return kd_error_prefix(err, "reading the inode at %016" PRIx64, inode);
		map = kd_dump_u64(s, b);
		if ((err = kd_read_kernel(s, map + off_nr, b, 8)))
			return kd_error_prefix(err, "reading the address_space at %016" PRIx64, map);
		nr = kd_dump_u64(s, b);
		*ret += nr;
		if ((err = kd_read_kernel(s, node, b, 8)))
			return kd_error_prefix(err, "following the block devices' inode list");
		node = kd_dump_u64(s, b);
	}
	return NULL;
}

struct hstate_info {
	uint64_t addr;
	unsigned order;
	uint64_t nr, free, resv, surplus;
	char name[32];
};

static struct kd_error *hstates(struct kd_session *s, struct hstate_info *h, unsigned *n_ret)
{
	uint64_t base, max, size;
	*n_ret = 0;
	struct kd_error *err = kd_symbol_address(s, "hstates", &base);
	if (!err)
		err = kmem_read_sym(s, "hugetlb_max_hstate", 4, &max);
	if (!err)
		err = kd_type_size(s, "hstate", &size);
	if (err)
		return kd_error_prefix(err, "hugetlb");
	if (max > MAX_HSTATES)
		return kd_error_create(KD_ERR_CORRUPT, "hugetlb_max_hstate is %" PRIu64, max);
	for (unsigned i = 0; i < max; i++) {
		uint8_t *b;
		size_t len;
		uint64_t v;
		h[i].addr = base + i * size;
		if ((err = kmem_read_obj(s, "hstate", h[i].addr, &b, &len)))
			return err;
		kmem_ok(kmem_field(s, "hstate", "order", b, len, &v));
		h[i].order = v < 64 ? (unsigned)v : 0;
		kmem_ok(kmem_field(s, "hstate", "nr_huge_pages", b, len, &h[i].nr));
		kmem_ok(kmem_field(s, "hstate", "free_huge_pages", b, len, &h[i].free));
		kmem_ok(kmem_field(s, "hstate", "resv_huge_pages", b, len, &h[i].resv));
		kmem_ok(kmem_field(s, "hstate", "surplus_huge_pages", b, len, &h[i].surplus));
		struct kd_member_info m;
		if (kmem_ok(kd_type_member(s, "hstate", "name", &m)) && m.offset + sizeof(h[i].name) <= len) {
			memcpy(h[i].name, b + m.offset, sizeof(h[i].name));
			h[i].name[sizeof(h[i].name) - 1] = 0;
		}
		free(b);
	}
	*n_ret = (unsigned)max;
	return NULL;
}

struct meminfo {
	uint64_t total, free, shared, buffers, cached, slab;
	uint64_t huge_total, huge_free, swap_total, swap_free, commit_limit, committed;
};

static struct kd_error *meminfo(struct kd_session *s, struct meminfo *mi)
{
	struct kd_error *err;
	int64_t v, file, swapc = 0, sr, su;
	memset(mi, 0, sizeof(*mi));
	uint64_t psize = kd_page_size(s);
	if ((err = kmem_read_sym(s, "_totalram_pages", 8, &mi->total)) &&
	    kmem_ok(kmem_read_sym(s, "totalram_pages", 8, &mi->total))) {
		kd_error_destroy(err);
		err = NULL;
	}
	if (err)
		return err;
	if ((err = stat_item(s, "vm_zone_stat", "zone_stat_item", "NR_FREE_PAGES", &v)))
		return err;
	mi->free = (uint64_t)v;
	if ((err = stat_item(s, "vm_node_stat", "node_stat_item", "NR_FILE_PAGES", &file)) ||
	    (err = stat_item(s, "vm_node_stat", "node_stat_item", "NR_SHMEM", &v)))
		return err;
	mi->shared = (uint64_t)v;
	kmem_ok(stat_item(s, "vm_node_stat", "node_stat_item", "NR_SWAPCACHE", &swapc));
	if (!kmem_ok(stat_item(s, "vm_node_stat", "node_stat_item", "NR_SLAB_RECLAIMABLE_B", &sr)) &&
	    (err = stat_item(s, "vm_node_stat", "node_stat_item", "NR_SLAB_RECLAIMABLE", &sr)))
		return err;
	if (!kmem_ok(stat_item(s, "vm_node_stat", "node_stat_item", "NR_SLAB_UNRECLAIMABLE_B", &su)) &&
	    (err = stat_item(s, "vm_node_stat", "node_stat_item", "NR_SLAB_UNRECLAIMABLE", &su)))
		return err;
	mi->slab = (uint64_t)(sr + su);
	if ((err = blockdev_pages(s, &mi->buffers))) {
		kd_warn(s, "BUFFERS: %s", err->msg);
		kd_error_destroy(err);
		mi->buffers = 0;
	}
	int64_t cached = file - swapc - (int64_t)mi->buffers;
	mi->cached = cached < 0 ? 0 : (uint64_t)cached;
	struct hstate_info h[MAX_HSTATES];
	unsigned nh = 0;
	if ((err = hstates(s, h, &nh))) { // no hugetlb in this kernel: none
		kd_error_destroy(err);
		nh = 0;
	}
	for (unsigned i = 0; i < nh; i++) {
		mi->huge_total += h[i].nr << h[i].order;
		mi->huge_free += h[i].free << h[i].order;
	}
	uint64_t swap_free = 0;
	if (kmem_ok(kmem_read_sym(s, "total_swap_pages", 8, &mi->swap_total)) &&
	    kmem_ok(kmem_read_sym(s, "nr_swap_pages", 8, &swap_free)))
		mi->swap_free = (int64_t)swap_free < 0 ? 0 : swap_free;
	// vm_commit_limit(): overcommit_kbytes, else the ratio of RAM less hugetlb; plus swap.
	uint64_t kbytes = 0, ratio = 0;
	kmem_ok(kmem_read_sym(s, "sysctl_overcommit_kbytes", 8, &kbytes));
	if (!kbytes && (err = kmem_read_sym(s, "sysctl_overcommit_ratio", 4, &ratio)))
		return err;
	unsigned shift = 0;
	while ((1ull << shift) < psize)
		shift++;
	if (kbytes)
		mi->commit_limit = kbytes >> (shift - 10);
	else
		mi->commit_limit = (mi->total - mi->huge_total) * ratio / 100;
	mi->commit_limit += mi->swap_total;
	// vm_memory_committed(): percpu_counter_sum_positive(&vm_committed_as),
	// the count plus each CPU's s32 part.
	uint64_t a;
	struct kd_member_info m, pc;
	uint8_t b[8];
	if ((err = kd_symbol_address(s, "vm_committed_as", &a)) ||
	    (err = kd_type_member(s, "percpu_counter", "count", &m)) || (err = kd_read_kernel(s, a + m.offset, b, 8)))
		return kd_error_prefix(err, "reading vm_committed_as");
	int64_t c = (int64_t)kd_dump_u64(s, b);
	if (kmem_ok(kd_type_member(s, "percpu_counter", "counters", &pc)) && kmem_ok(kd_read_kernel(s, a + pc.offset, b, 8))) {
		uint64_t counters = kd_dump_u64(s, b), off;
		unsigned ncpu = kmem_nr_cpus(s);
		for (unsigned cpu = 0; counters && cpu < ncpu; cpu++)
			if (kmem_ok(kd_percpu_offset(s, cpu, &off)) && kmem_ok(kd_read_kernel(s, counters + off, b, 4)))
				c += (int32_t)kd_dump_u32(s, b);
	}
	mi->committed = c < 0 ? 0 : (uint64_t)c;
	return NULL;
}

static void row(struct kd_session *s, const char *name, uint64_t pages, uint64_t of, const char *ofname)
{
	char size[32];
	double bytes = (double)pages * (double)kd_page_size(s);
	if (pages)
		kd_format_size(size, sizeof(size), bytes, 0, " ", true);
	else
		snprintf(size, sizeof(size), "0");
	if (!ofname)
		kd_printf(s, "%13s  %7" PRIu64 "  %11s         ----\n", name, pages, size);
	else
		kd_printf(s, "%13s  %7" PRIu64 "  %11s  %3" PRIu64 "%% of %s\n", name, pages, size,
			  of ? pages * 100 / of : 0, ofname);
}

struct kd_error *kmem_info_show(struct kd_session *s)
{
	struct meminfo mi;
	struct kd_error *err = meminfo(s, &mi);
	if (err)
		return err;
	uint64_t used = mi.total > mi.free ? mi.total - mi.free : 0;
	uint64_t swap_used = mi.swap_total > mi.swap_free ? mi.swap_total - mi.swap_free : 0;
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_u64(s, "page_size", kd_page_size(s));
		kd_json_u64(s, "total_pages", mi.total);
		kd_json_u64(s, "free_pages", mi.free);
		kd_json_u64(s, "used_pages", used);
		kd_json_u64(s, "shared_pages", mi.shared);
		kd_json_u64(s, "buffers_pages", mi.buffers);
		kd_json_u64(s, "cached_pages", mi.cached);
		kd_json_u64(s, "slab_pages", mi.slab);
		kd_json_u64(s, "huge_total_pages", mi.huge_total);
		kd_json_u64(s, "huge_free_pages", mi.huge_free);
		kd_json_u64(s, "swap_total_pages", mi.swap_total);
		kd_json_u64(s, "swap_used_pages", swap_used);
		kd_json_u64(s, "swap_free_pages", mi.swap_free);
		kd_json_u64(s, "commit_limit_pages", mi.commit_limit);
		kd_json_u64(s, "committed_pages", mi.committed);
		kd_json_end_object(s);
		return NULL;
	}
	kd_printf(s, "                 PAGES        TOTAL      PERCENTAGE\n");
	row(s, "TOTAL MEM", mi.total, 0, NULL);
	row(s, "FREE", mi.free, mi.total, "TOTAL MEM");
	row(s, "USED", used, mi.total, "TOTAL MEM");
	row(s, "SHARED", mi.shared, mi.total, "TOTAL MEM");
	row(s, "BUFFERS", mi.buffers, mi.total, "TOTAL MEM");
	row(s, "CACHED", mi.cached, mi.total, "TOTAL MEM");
	row(s, "SLAB", mi.slab, mi.total, "TOTAL MEM");
	kd_printf(s, "\n");
	row(s, "TOTAL HUGE", mi.huge_total, 0, NULL);
	row(s, "HUGE FREE", mi.huge_free, mi.huge_total, "TOTAL HUGE");
	kd_printf(s, "\n");
	row(s, "TOTAL SWAP", mi.swap_total, 0, NULL);
	row(s, "SWAP USED", swap_used, mi.swap_total, "TOTAL SWAP");
	row(s, "SWAP FREE", mi.swap_free, mi.swap_total, "TOTAL SWAP");
	kd_printf(s, "\n");
	row(s, "COMMIT LIMIT", mi.commit_limit, 0, NULL);
	row(s, "COMMITTED", mi.committed, mi.commit_limit, "TOTAL LIMIT");
	return NULL;
}

/* ---- -V ---- */

static int64_t enum_count(struct kd_session *s, const char *type, const char *name)
{
	int64_t v;
	if (!kmem_ok(kd_enum_value(s, type, name, &v)) || v < 0 || v > MAX_ITEMS)
		return -1;
	return v;
}

// Read n longs of a global array; false if it cannot be read.
static bool read_longs(struct kd_session *s, const char *sym, int64_t n, uint64_t *v)
{
	uint64_t a;
	uint8_t *b = malloc((size_t)n * 8 + 1);
	bool r = b && kmem_ok(kd_symbol_address(s, sym, &a)) && kmem_ok(kd_read_kernel(s, a, b, (size_t)n * 8));
	for (int64_t i = 0; r && i < n; i++)
		v[i] = kd_dump_u64(s, b + i * 8);
	free(b);
	return r;
}

// fold_vm_numa_events(): each zone's per-cpu NUMA events not yet in the globals.
static void fold_numa(struct kd_session *s, int64_t nnuma, uint64_t *v)
{
	struct kmem_zone *z;
	size_t nz;
	struct kd_member_info pcz, ev;
	if (!kmem_ok(kd_type_member(s, "zone", "per_cpu_zonestats", &pcz)) ||
	    !kmem_ok(kd_type_member(s, "per_cpu_zonestat", "vm_numa_event", &ev)) || !kmem_ok(kmem_zones(s, &z, &nz)))
		return;
	unsigned ncpu = kmem_nr_cpus(s);
	for (size_t i = 0; i < nz; i++) {
		uint8_t b[8];
		if (!kmem_ok(kd_read_kernel(s, z[i].addr + pcz.offset, b, 8)))
			continue;
		uint64_t pcp = kd_dump_u64(s, b);
		for (unsigned c = 0; c < ncpu && pcp; c++) {
			uint64_t off;
			if (!kmem_ok(kd_percpu_offset(s, c, &off)))
				continue;
			for (int64_t k = 0; k < nnuma; k++)
				if (kmem_ok(kd_read_kernel(s, pcp + off + ev.offset + (uint64_t)k * 8, b, 8)))
					v[k] += kd_dump_u64(s, b);
		}
	}
	free(z);
}

struct kd_error *kmem_vmstat_show(struct kd_session *s)
{
	int64_t nzone = enum_count(s, "zone_stat_item", "NR_VM_ZONE_STAT_ITEMS");
	int64_t nnode = enum_count(s, "node_stat_item", "NR_VM_NODE_STAT_ITEMS");
	int64_t nnuma = enum_count(s, "numa_stat_item", "NR_VM_NUMA_EVENT_ITEMS");
	const char *numa_sym = "vm_numa_event";
	if (nnuma < 0) {
		nnuma = enum_count(s, "numa_stat_item", "NR_VM_NUMA_STAT_ITEMS");
		numa_sym = "vm_numa_stat";
	}
	// The group after the node items: enum writeback_stat_item (the two
	// dirty thresholds, computed when read), or since 6.11 enum vm_stat_item,
	// which adds system-wide counters (NR_MEMMAP_PAGES, ...) that
	// /proc/vmstat reads from the atomic_long_t of that name in lower case.
	const char *wbtype = "writeback_stat_item";
	int64_t nwb = enum_count(s, wbtype, "NR_VM_WRITEBACK_STAT_ITEMS");
	if (nwb < 0) {
		wbtype = "vm_stat_item";
		nwb = enum_count(s, wbtype, "NR_VM_STAT_ITEMS");
	}
	int64_t nev = enum_count(s, "vm_event_item", "NR_VM_EVENT_ITEMS");
	if (nzone < 0 || nnode < 0)
		return kd_error_create(KD_ERR_NOTFOUND, "the types have no zone_stat_item or node_stat_item counts");
	uint64_t a;
	if (nnuma > 0 && !kmem_ok(kd_symbol_address(s, numa_sym, &a)))
		nnuma = 0;
	if (nnuma < 0)
		nnuma = 0;
	if (nwb < 0)
		nwb = 0;
	if (nev < 0)
		nev = 0;
	int64_t total = nzone + nnuma + nnode + nwb + nev;
	uint64_t text;
	struct kd_error *err = kd_symbol_address(s, "vmstat_text", &text);
	if (err)
		return kd_error_prefix(err, "the counters' names");
	uint8_t *ptrs = malloc((size_t)total * 8);
	uint64_t *val = calloc((size_t)total + 1, sizeof(uint64_t));
	bool *wbshow = NULL;
	if (!ptrs || !val) {
		free(ptrs);
		free(val);
		return &kd_enomem;
	}
	if ((err = kd_read_kernel(s, text, ptrs, (size_t)total * 8))) {
		err = kd_error_prefix(err, "reading vmstat_text");
		goto out;
	}
	if (!read_longs(s, "vm_zone_stat", nzone, val) || !read_longs(s, "vm_node_stat", nnode, val + nzone + nnuma)) {
		err = kd_error_create(KD_ERR_FAULT, "cannot read vm_zone_stat or vm_node_stat");
		goto out;
	}
	if (nnuma && read_longs(s, numa_sym, nnuma, val + nzone))
		fold_numa(s, nnuma, val + nzone);
	// all_vm_events(): each CPU's vm_event_states summed.
	uint64_t ev;
	unsigned ncpu = kmem_nr_cpus(s);
	bool events = nev && kmem_ok(kd_symbol_address(s, "vm_event_states", &ev));
	uint64_t *evv = val + nzone + nnuma + nnode + nwb;
	uint8_t *eb = events ? malloc((size_t)nev * 8) : NULL;
	for (unsigned c = 0; events && eb && c < ncpu; c++) {
		uint64_t off;
		if (!kmem_ok(kd_percpu_offset(s, c, &off)) || !kmem_ok(kd_read_kernel(s, ev + off, eb, (size_t)nev * 8)))
			continue;
		for (int64_t k = 0; k < nev; k++)
			evv[k] += kd_dump_u64(s, eb + k * 8);
	}
	free(eb);
	// /proc/vmstat shows these two in KiB, the kernel counts 512-byte sectors.
	int64_t pg;
	if (events && kmem_ok(kd_enum_value(s, "vm_event_item", "PGPGIN", &pg)) && pg >= 0 && pg < nev)
		evv[pg] /= 2;
	if (events && kmem_ok(kd_enum_value(s, "vm_event_item", "PGPGOUT", &pg)) && pg >= 0 && pg < nev)
		evv[pg] /= 2;
	// The stored ones of the group after the node items (not the thresholds).
	uint32_t wbid = 0;
	wbshow = calloc((size_t)nwb + 1, sizeof(bool));
	if (!wbshow) {
		err = &kd_enomem;
		goto out;
	}
	if (nwb && kmem_ok(kd_type_find(s, wbtype, &wbid))) {
		for (int64_t k = 0; k < nwb; k++) {
			const char *en = kd_enum_name(s, wbid, k);
			char sym[64];
			size_t l = en ? strlen(en) : 0;
			if (!en || l >= sizeof(sym) || strcmp(en, "NR_DIRTY_THRESHOLD") == 0 ||
			    strcmp(en, "NR_DIRTY_BG_THRESHOLD") == 0)
				continue;
			for (size_t c = 0; c <= l; c++)
				sym[c] = (char)(en[c] >= 'A' && en[c] <= 'Z' ? en[c] - 'A' + 'a' : en[c]);
			uint64_t va;
			uint8_t b[8];
			if (kmem_ok(kd_symbol_address(s, sym, &va)) && kmem_ok(kd_read_kernel(s, va, b, 8))) {
				val[nzone + nnuma + nnode + k] = kd_dump_u64(s, b);
				wbshow[k] = true;
			}
		}
	}
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_object(s, NULL);
	for (int64_t i = 0; i < total; i++) {
		bool wb = i >= nzone + nnuma + nnode && i < nzone + nnuma + nnode + nwb;
		if ((wb && !wbshow[i - nzone - nnuma - nnode]) || (!events && i >= nzone + nnuma + nnode + nwb))
			continue; // the dirty thresholds are computed, not stored
		char name[64];
		if (!kmem_ok(kmem_read_str(s, kd_dump_u64(s, ptrs + i * 8), name, sizeof(name))) || !name[0])
			snprintf(name, sizeof(name), "item%" PRId64, i);
		int64_t v = (int64_t)val[i];
		if (i < nzone + nnuma + nnode && v < 0 && !(i >= nzone && i < nzone + nnuma))
			v = 0;
		if (json)
			kd_json_u64(s, name, (uint64_t)v);
		else
			kd_printf(s, "%s %" PRIu64 "\n", name, (uint64_t)v);
	}
	if (json)
		kd_json_end_object(s);
out:
	free(ptrs);
	free(val);
	free(wbshow);
	return err;
}

/* ---- -o, -h ---- */

struct kd_error *kmem_percpu_show(struct kd_session *s)
{
	unsigned n = kmem_nr_cpus(s);
	bool json = kd_json_mode(s);
	struct kd_error *first = NULL;
	if (json)
		kd_json_begin_array(s, NULL);
	else
		kd_printf(s, "PER-CPU OFFSET VALUES:\n");
	for (unsigned c = 0; c < n; c++) {
		uint64_t off;
		struct kd_error *err = kd_percpu_offset(s, c, &off);
		if (err) {
			if (!first)
				first = err;
			else
				kd_error_destroy(err);
			continue;
		}
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "cpu", c);
			kd_json_hex(s, "offset", off);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "  CPU %u: %016" PRIx64 "\n", c, off);
		}
	}
	if (json)
		kd_json_end_array(s);
	return first;
}

struct kd_error *kmem_huge_show(struct kd_session *s)
{
	struct hstate_info h[MAX_HSTATES];
	unsigned n;
	struct kd_error *err = hstates(s, h, &n);
	if (err)
		return err;
	uint64_t def = 0;
	kmem_ok(kmem_read_sym(s, "default_hstate_idx", 4, &def));
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	else
		kd_printf(s, "          HSTATE           SIZE      FREE     TOTAL  NAME\n");
	for (unsigned i = 0; i < n; i++) {
		uint64_t kb = (kd_page_size(s) << h[i].order) / 1024;
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "hstate", h[i].addr);
			kd_json_u64(s, "size_kb", kb);
			kd_json_u64(s, "free", h[i].free);
			kd_json_u64(s, "total", h[i].nr);
			kd_json_u64(s, "reserved", h[i].resv);
			kd_json_u64(s, "surplus", h[i].surplus);
			kd_json_string(s, "name", h[i].name);
			kd_json_bool(s, "default", i == def);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "%016" PRIx64 "  %9" PRIu64 "kB  %8" PRIu64 "  %8" PRIu64 "  %s%s\n", h[i].addr, kb,
				  h[i].free, h[i].nr, h[i].name, i == def ? " (default)" : "");
		}
	}
	if (json)
		kd_json_end_array(s);
	return NULL;
}
